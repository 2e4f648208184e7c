package main

import (
	"context"
	"fmt"
	"io"
)

func purge(ctx context.Context, cfg config, args []string, out io.Writer) error {
	return fmt.Errorf("purge is not available yet")
}
