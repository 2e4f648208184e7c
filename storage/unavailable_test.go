package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/osce/accredit/domain"
)

// TestUnavailable: the errors of a database out of reach, or gone before
// the outcome was known, become unavailable (503); the errors of a
// request, a bug or a constraint do not.
func TestUnavailable(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", refused, true},
		{"connection reset", fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{"broken pipe", fmt.Errorf("write: %w", syscall.EPIPE), true},
		{"unexpected EOF (commit outcome unknown)", fmt.Errorf("failed to receive message: %w", io.ErrUnexpectedEOF), true},
		{"EOF", io.EOF, true},
		{"conn closed", fmt.Errorf("x: %w", pgconn.ErrConnClosed), true},
		{"deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), true},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"crash shutdown", &pgconn.PgError{Code: "57P02"}, true},
		{"cannot connect now", &pgconn.PgError{Code: "57P03"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"deadlock", &pgconn.PgError{Code: "40P01"}, false},
		{"syntax", &pgconn.PgError{Code: "42601"}, false},
		{"not found", gorm.ErrRecordNotFound, false},
		{"a bug", errors.New("boom"), false},
	} {
		if got := unavailable(c.err); got != c.want {
			t.Errorf("%s: unavailable %v, want %v", c.name, got, c.want)
		}
		if got := domain.IsCode(translate(c.err), domain.CodeUnavailable); got != c.want {
			t.Errorf("%s: translated to unavailable %v, want %v", c.name, got, c.want)
		}
	}
}
