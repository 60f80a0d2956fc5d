package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/spf13/cobra"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/introspect"
	"github.com/tenantguard/tenantguard/lint/model"
)

// dbOptions are the flags of commands that read a live database.
type dbOptions struct {
	DB               string
	StatementTimeout time.Duration
	ConnectTimeout   time.Duration
}

func (o *dbOptions) addDBFlags(c *cobra.Command) {
	fl := c.Flags()
	fl.StringVar(&o.DB, "db", "", "database to read: a postgres:// `URL` or a keyword/value string (default: $DATABASE_URL)")
	fl.DurationVar(&o.StatementTimeout, "statement-timeout", 30*time.Second, "give up on a catalog query after this long")
	fl.DurationVar(&o.ConnectTimeout, "connect-timeout", 10*time.Second, "give up connecting after this long (a connect_timeout in the URL wins)")
}

// dbURL returns --db, else DATABASE_URL.
func (o *dbOptions) dbURL(f *Factory) string {
	if o.DB != "" {
		return o.DB
	}
	return f.Getenv("DATABASE_URL")
}

// target describes the server and database of a connection for messages:
// host:port/database, never a password.
type target struct {
	// label replaces host:port/database when set.
	label    string
	host     string
	port     uint16
	database string
	user     string
}

func (t target) String() string {
	if t.label != "" {
		return t.label
	}
	host := t.host
	if strings.Contains(host, ":") && !strings.HasPrefix(host, "/") {
		host = "[" + host + "]" // IPv6
	}
	s := host + ":" + strconv.Itoa(int(t.port)) + "/" + t.database
	return s
}

// parseDB parses a connection string. Its errors never quote the string,
// which may hold a password.
func parseDB(raw string, o *dbOptions) (*pgx.ConnConfig, target, error) {
	cfg, err := pgx.ParseConfig(raw)
	if err != nil {
		msg := "not a valid postgres:// URL or keyword/value connection string"
		var pe *pgconn.ParseConfigError
		if errors.As(err, &pe) {
			// "cannot parse `<string, password masked>`: why": keep why,
			// which may quote the URL again: Redact masks its password.
			if _, why, ok := strings.Cut(pe.Error(), "`: "); ok {
				msg += ": " + why
			}
		}
		return nil, target{}, fmt.Errorf("--db: %s", Redact(msg))
	}
	if cfg.ConnectTimeout == 0 && !strings.Contains(raw, "connect_timeout") {
		cfg.ConnectTimeout = o.ConnectTimeout
	}
	if _, ok := cfg.RuntimeParams["application_name"]; !ok {
		cfg.RuntimeParams["application_name"] = "tenantguard"
	}
	return cfg, target{host: cfg.Host, port: cfg.Port, database: cfg.Database, user: cfg.User}, nil
}

// connectDB opens the one connection a command uses. Errors are one line
// that names host:port/database and the user, and why.
func connectDB(ctx context.Context, raw string, o *dbOptions) (*pgx.Conn, target, error) {
	cfg, t, err := parseDB(raw, o)
	if err != nil {
		return nil, t, err
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, t, fmt.Errorf("cannot connect to %s as %s: %s", t, t.user, connectReason(err, cfg.ConnectTimeout))
	}
	return conn, t, nil
}

// connectReason says in a few words why a connection failed.
func connectReason(err error, timeout time.Duration) string {
	var pe *pgconn.PgError
	var dns *net.DNSError
	switch {
	case errors.As(err, &pe):
		msg := pe.Message + " (SQLSTATE " + pe.Code + ")"
		switch pe.Code {
		case "28P01":
			msg += "; check the password in the URL, PGPASSWORD or ~/.pgpass"
		case "3D000":
			msg += "; create it, or name another database in the URL"
		}
		return msg
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused (is PostgreSQL running and listening on that host and port?)"
	case errors.As(err, &dns):
		return "unknown host " + dns.Name
	case errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err):
		return "no answer within " + timeout.String() + " (--connect-timeout)"
	case errors.Is(err, context.Canceled):
		return "interrupted"
	}
	msg := err.Error()
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) && ce.Unwrap() != nil {
		msg = ce.Unwrap().Error()
		// "127.0.0.1:5432 (localhost): server refused TLS connection"
		if i := strings.Index(msg, "): "); i >= 0 && strings.Contains(msg[:i], " (") {
			msg = msg[i+3:]
		}
	}
	switch {
	case strings.Contains(msg, "invalid body length") || strings.Contains(msg, "unexpected message") ||
		strings.Contains(msg, "received unexpected"):
		// The first bytes back were not a PostgreSQL message (an HTTP
		// server or proxy, say); with sslmode=prefer pgx first says the
		// server refused TLS, which would mislead.
		return "something answers there, but not in the PostgreSQL protocol (is that the right port?)"
	case strings.Contains(msg, "connection reset by peer") || strings.HasSuffix(msg, "EOF"):
		return "the server closed the connection without answering (is it PostgreSQL, and does it accept connections from here?)"
	case strings.Contains(msg, "refused TLS"):
		msg += "; the URL asks for TLS (sslmode), which this server does not offer"
	}
	return strings.Join(strings.Fields(msg), " ")
}

// readDatabase reads the live catalog and runs the rules on it. A catalog
// that could only partly be read comes back with its *PartialError.
func readDatabase(ctx context.Context, conn *pgx.Conn, t target, cfg *lint.Config, o *dbOptions) (*model.Catalog, *introspect.PartialError, error) {
	cat, err := introspect.Read(ctx, conn, introspect.Options{Schemas: cfg.Schemas, StatementTimeout: o.StatementTimeout})
	var partial *introspect.PartialError
	switch {
	case errors.As(err, &partial):
	case err != nil:
		return nil, nil, fmt.Errorf("%s: %s", t, dbError(err, o))
	}
	return cat, partial, nil
}

// dbError adds what the user can do about a failed catalog read.
func dbError(err error, o *dbOptions) string {
	msg := err.Error()
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return msg
	}
	// pgx's "ERROR: message (SQLSTATE code)" reads as noise mid-line.
	msg = strings.Replace(msg, pe.Error(), pgMessage(pe), 1)
	if pe.Code == "57014" {
		msg += " (--statement-timeout " + o.StatementTimeout.String() + ")"
	}
	return msg
}

// notesOf renders a catalog's notes for the report.
func notesOf(cat *model.Catalog, prefix string) []string {
	var out []string
	for _, n := range cat.Notes {
		where := n.Object
		if n.Span.IsValid() {
			p := n.Span.StartPos()
			where = fmt.Sprintf("%s:%d:%d", n.Span.Path(), p.Line, p.Column)
		}
		out = append(out, prefix+where+": "+n.Message)
	}
	return out
}

// interruptible returns a context cancelled by SIGINT or SIGTERM.
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}
