package storage

import (
	"context"
	"fmt"
	"hash/fnv"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/osce/accredit/migrations"
)

// provider returns goose over our embedded migrations. On PostgreSQL it
// takes goose's session (advisory) lock, so that several processes starting
// at once migrate one after the other.
func (s *Store) provider() (*goose.Provider, error) {
	dialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if s.dialect == Postgres {
		dialect = goose.DialectPostgres
		// One lock per schema: processes sharing a schema take turns, while
		// databases in other schemas of the same server (tests) do not wait.
		var schema string
		if err := s.sqlDB.QueryRow("SELECT current_schema()").Scan(&schema); err != nil {
			return nil, err
		}
		h := fnv.New64a()
		h.Write([]byte(schema))
		id := lock.DefaultLockID ^ int64(h.Sum64()>>1)
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(id), lock.WithLockTimeout(1, 600))
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, s.sqlDB, migrations.For(s.dialect), opts...)
}

// Migrate applies pending migrations and returns the versions applied.
func (s *Store) Migrate(ctx context.Context) ([]int64, error) {
	p, err := s.provider()
	if err != nil {
		return nil, err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	var applied []int64
	for _, r := range results {
		applied = append(applied, r.Source.Version)
	}
	return applied, s.CheckSchema(ctx)
}

// CheckSchema refuses a database whose schema is newer or older than this
// binary's: a process must not write into tables it does not know.
func (s *Store) CheckSchema(ctx context.Context) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return err
	}
	if current != target {
		return fmt.Errorf("database schema is at version %d, this binary expects %d", current, target)
	}
	return nil
}

// MigrationStatus lists each migration and whether it is applied.
func (s *Store) MigrationStatus(ctx context.Context) ([]string, error) {
	p, err := s.provider()
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range st {
		out = append(out, fmt.Sprintf("%05d %-10s %s", m.Source.Version, m.State, m.Source.Path))
	}
	return out, nil
}
