package benchcorpus

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/internal/pgtest"
	"github.com/tenantguard/tenantguard/lint/ddl"
	"github.com/tenantguard/tenantguard/lint/source"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestCorpusAppliesOnPostgres applies a corpus to a real server, statement
// by statement as tenantguard's splitter cuts them: the benchmark measures
// SQL that PostgreSQL accepts, not text that only looks like it. (COPY
// data blocks need psql, so the corpus is the INSERT-only variant.)
func TestCorpusAppliesOnPostgres(t *testing.T) {
	url := pgtest.NewDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	// The corpus creates the role app_user; on a shared server it may
	// exist already, and is then left alone.
	var roleExisted bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_user')`).Scan(&roleExisted); err != nil {
		t.Fatal(err)
	}
	if roleExisted {
		if _, err := conn.Exec(ctx, `ALTER ROLE app_user RENAME TO app_user_before_benchcorpus_test`); err != nil {
			t.Skipf("role app_user exists on this server and cannot be moved aside: %v", err)
		}
	}
	defer func() {
		ctx := context.Background()
		if _, err := conn.Exec(ctx, `DROP OWNED BY app_user; DROP ROLE app_user`); err != nil {
			t.Errorf("cleanup: %v", err)
		}
		if roleExisted {
			if _, err := conn.Exec(ctx, `ALTER ROLE app_user_before_benchcorpus_test RENAME TO app_user`); err != nil {
				t.Errorf("cleanup: %v", err)
			}
		}
	}()

	gen, st := Generate(Options{Seed: 5, Files: 120, Bytes: 600_000, NoCopy: true})
	files := make([]*source.File, len(gen))
	for i, g := range gen {
		files[i] = source.NewFile(g.Name, g.Content)
	}
	ddl.Load(files) // splits the files: File.Statements
	n := 0
	for _, f := range files {
		// Each migration runs in a session of its own (search_path).
		if _, err := conn.Exec(ctx, `RESET ALL`); err != nil {
			t.Fatal(err)
		}
		for _, s := range f.Statements {
			if _, err := conn.Exec(ctx, s.Text()); err != nil {
				p := s.StartPos()
				t.Fatalf("%s:%d:%d: %v\n%s", f.Path, p.Line, p.Column, err, s.Text())
			}
			n++
		}
	}
	var tables int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND n.nspname IN ('public', 'app')`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables < st.Tables/2 {
		t.Errorf("%d tables in the database after %d statements; the corpus created %d", tables, n, st.Tables)
	}
}
