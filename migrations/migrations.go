// Package migrations holds accredit's schema as numbered SQL files, one
// folder per dialect with the same version numbers, embedded in the binary.
package migrations

import (
	"embed"
	"io/fs"
)

//go:embed postgres/*.sql sqlite/*.sql
var files embed.FS

// For returns the migrations of a dialect: "postgres" or "sqlite".
func For(dialect string) fs.FS {
	sub, err := fs.Sub(files, dialect)
	if err != nil {
		panic(err) // the folders are embedded; a miss is a build mistake
	}
	return sub
}
