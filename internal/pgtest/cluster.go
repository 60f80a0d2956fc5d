package pgtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/testcontainers/testcontainers-go"
)

// ErrUnavailable is wrapped by the errors of Start and Available when there
// is no way to get a PostgreSQL server here: no usable local binaries and no
// Docker engine (and, for tests, no TENANTGUARD_TEST_DATABASE_URL).
var ErrUnavailable = errors.New("no PostgreSQL server available")

// Options configures Start. The zero value is ready to use.
type Options struct {
	// BinDir holds initdb and postgres. Empty: the directory of initdb on
	// PATH, else the highest version under /usr/lib/postgresql/*/bin, else
	// (no binaries at all) Docker when an engine answers. When set, only
	// those binaries are used.
	BinDir string
	// Log receives the server's log as it is written. The log is always
	// kept in the cluster's directory too, and its tail is included in the
	// error when the server does not start. Not used with Docker.
	Log io.Writer

	// For this package's tests.
	extraArgs []string            // more postgres arguments
	nextPort  func() (int, error) // port picker; nil: a free one
	noJanitor bool                // start no janitor process
}

// Cluster is a running throwaway PostgreSQL server, or, for tests pointed at
// TENANTGUARD_TEST_DATABASE_URL, a borrowed one that Stop leaves running.
// Its methods are safe for concurrent use.
type Cluster struct {
	base    *url.URL // the superuser's URL; its path is replaced per database
	adminDB string   // the database to connect to for CREATE/DROP DATABASE

	local     *localServer             // a cluster we run, or nil
	container testcontainers.Container // a container we run, or nil

	fileCopy bool // CREATE DATABASE … STRATEGY FILE_COPY: our own server, PostgreSQL 15 or later

	poolMu sync.Mutex
	pool   *pgxpool.Pool // to adminDB, made on first use

	stopOnce sync.Once
	stopErr  error
}

// Start brings up a new, empty PostgreSQL server that accepts connections:
// from local binaries (initdb and postgres, run as the postgres OS user when
// we are root) in a new temporary directory on a free port of 127.0.0.1, or,
// when there are no local binaries and opts.BinDir is empty, from the
// postgres:15 image when a Docker engine answers. The error wraps
// ErrUnavailable when neither can be had.
//
// ctx bounds the start only; the server runs until Stop or until this
// process exits, however it exits. Call Stop when done.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	src, err := locate(ctx, opts.BinDir)
	if err != nil {
		return nil, err
	}
	if src.docker {
		return startDocker(ctx)
	}
	return startLocal(ctx, opts, src.binDir, src.as)
}

// URL returns the superuser's connection URL for database dbname. With a
// server from Docker or TENANTGUARD_TEST_DATABASE_URL it may hold a password:
// do not print it (Cluster's String method gives a printable form).
func (c *Cluster) URL(dbname string) string {
	u := *c.base
	u.Path = "/" + dbname
	u.RawPath = ""
	return u.String()
}

// String describes the server with any password masked.
func (c *Cluster) String() string {
	u := *c.base
	u.Path = "/"
	u.RawPath = ""
	return u.Redacted()
}

// CreateDatabase creates database name as a copy of template; an empty
// template means template0, a database with nothing in it.
func (c *Cluster) CreateDatabase(ctx context.Context, name, template string) error {
	if template == "" {
		template = "template0"
	}
	sql := "CREATE DATABASE " + quoteIdent(name) + " TEMPLATE " + quoteIdent(template)
	if c.fileCopy {
		sql += " STRATEGY FILE_COPY"
	}
	if err := c.exec(ctx, sql); err != nil {
		return fmt.Errorf("pgtest: create database %s: %w", name, err)
	}
	return nil
}

// DropDatabase drops database name if it exists, ending any session still
// connected to it.
func (c *Cluster) DropDatabase(ctx context.Context, name string) error {
	sql := "DROP DATABASE IF EXISTS " + quoteIdent(name) + " WITH (FORCE)"
	if err := c.exec(ctx, sql); err != nil {
		return fmt.Errorf("pgtest: drop database %s: %w", name, err)
	}
	return nil
}

// Stop stops the server and removes every file it made (or, with Docker,
// the container). It is idempotent. On a borrowed server it does nothing.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() {
		c.poolMu.Lock()
		if c.pool != nil {
			c.pool.Close()
		}
		c.pool = nil
		c.poolMu.Unlock()
		switch {
		case c.local != nil:
			c.stopErr = c.local.stop()
		case c.container != nil:
			if err := testcontainers.TerminateContainer(c.container); err != nil {
				c.stopErr = fmt.Errorf("pgtest: stop container: %w", err)
			}
		}
	})
	return c.stopErr
}

// exec runs one statement outside a transaction on the admin database,
// through a small pool: a new session costs more than a CREATE DATABASE on a
// slow machine.
func (c *Cluster) exec(ctx context.Context, sql string) error {
	pool, err := c.adminPool()
	if err != nil {
		return err
	}
	_, err = pool.Exec(ctx, sql)
	return err
}

func (c *Cluster) adminPool() (*pgxpool.Pool, error) {
	c.poolMu.Lock()
	defer c.poolMu.Unlock()
	if c.pool != nil {
		return c.pool, nil
	}
	cfg, err := pgxpool.ParseConfig(c.URL(c.adminDB))
	if err != nil {
		return nil, errors.New("bad server URL") // the URL may hold a password: not quoted
	}
	cfg.MaxConns = 4
	cfg.MinConns = 0
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, err
	}
	c.pool = pool
	return pool, nil
}

// tune settles how to run a server of our own once it is up. Copying a
// template's files beats writing them through the WAL (the default since
// PostgreSQL 15) when nothing is synced to disk: a small template copies in
// about half the time, and the checkpoints that costs are cheap without
// fsync. Borrowed servers keep their default.
func (c *Cluster) tune(ctx context.Context) error {
	pool, err := c.adminPool()
	if err != nil {
		return err
	}
	var version int
	if err := pool.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&version); err != nil {
		return fmt.Errorf("pgtest: server version: %w", err)
	}
	c.fileCopy = version >= 150000
	return nil
}

func quoteIdent(name string) string { return pgx.Identifier{name}.Sanitize() }
