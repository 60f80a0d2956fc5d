package cli

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/internal/ephemeral/ephemeraltest"
	"github.com/tenantguard/tenantguard/internal/pgtest"
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/source"
)

func TestInspectOptionsFromFlags(t *testing.T) {
	f := newFakeIO(t.TempDir(), false, nil)
	var got *InspectOptions
	cmd := newCmdInspect(f.Factory, func(o *InspectOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--db", "postgres://a@h/db", "--statement-timeout", "5s", "--connect-timeout", "2s",
		"--format", "json", "-o", "live.json", "--fail-on", "warning", "-c", "tg.yaml"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want := dbOptions{DB: "postgres://a@h/db", StatementTimeout: 5 * time.Second, ConnectTimeout: 2 * time.Second}
	if got == nil || got.dbOptions != want || got.Format != "json" || got.Output != "live.json" || got.FailOn != "warning" || got.ConfigPath != "tg.yaml" {
		t.Errorf("options %+v", got)
	}
	cmd = newCmdInspect(f.Factory, func(o *InspectOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"extra-arg"})
	cmd.SetOut(f.out)
	cmd.SetErr(f.errOut)
	if err := cmd.Execute(); err == nil {
		t.Error("inspect accepted a PATH; it reads a database only")
	}
}

func TestInspectNeedsADatabase(t *testing.T) {
	code, stdout, stderr := run(t, t.TempDir(), nil, "inspect")
	if code != ExitError || stdout != "" || !strings.Contains(stderr, "--db URL, or set DATABASE_URL") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// inspectSQL is a small live database with mistakes only the catalog
// shows (a login role with BYPASSRLS) and mistakes migrations show too.
const inspectSQL = `CREATE ROLE tg_cli_ins_batch LOGIN BYPASSRLS;
CREATE TABLE orgs (id uuid PRIMARY KEY);
CREATE TABLE invoices (id bigint PRIMARY KEY, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE INDEX ON invoices (org_id);
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
CREATE POLICY invoices_tenant ON invoices USING (org_id = current_setting('app.current_tenant')::uuid);
`

func decodeFindings(t *testing.T, out string) []lint.Finding {
	t.Helper()
	var doc struct {
		Findings []lint.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	return doc.Findings
}

func findingOf(fs []lint.Finding, rule, object string) *lint.Finding {
	for i := range fs {
		if fs[i].Rule == rule && fs[i].Object == object {
			return &fs[i]
		}
	}
	return nil
}

func TestInspectRun(t *testing.T) {
	db := pgtest.NewDB(t)
	ephemeraltest.ApplyFiles(t, db, source.NewFile("inspect.sql", []byte(inspectSQL)))
	dir := t.TempDir()

	code, stdout, stderr := run(t, dir, map[string]string{"DATABASE_URL": db}, "inspect", "--format", "json")
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	fs := decodeFindings(t, stdout)
	forced := findingOf(fs, "rls-not-forced", "public.invoices")
	if forced == nil || forced.Source != "inspect" || forced.File != "" || forced.ObjectKind != "table" ||
		!strings.Contains(forced.Message, "its owner postgres") {
		t.Errorf("rls-not-forced: %+v", forced)
	}
	role := findingOf(fs, "role-bypasses-rls", "tg_cli_ins_batch")
	if role == nil || role.ObjectKind != "role" || role.Code != "ROLE001" || role.Severity != lint.Error {
		t.Errorf("role-bypasses-rls: %+v", role)
	}
	if f := findingOf(fs, "table-unclassified", "public.orgs"); f != nil {
		t.Errorf("the tenant root is reported: %+v", f)
	}

	// Text: live findings are located by their object.
	code, stdout, _ = run(t, dir, nil, "inspect", "--db", db, "--no-color")
	if code != ExitFindings || !strings.Contains(stdout, "public.invoices: error rls-not-forced: ") ||
		!strings.Contains(stdout, "tg_cli_ins_batch: error role-bypasses-rls: login role tg_cli_ins_batch has BYPASSRLS") {
		t.Errorf("exit %d, text report:\n%s", code, stdout)
	}

	// A config is honoured: the role is an admin, the rule is off.
	dir = writeFiles(t, map[string]string{"tenantguard.yaml": "admin_roles: [postgres, tg_cli_ins_batch]\nrules: {rls-not-forced: off}\n"})
	code, stdout, stderr = run(t, dir, nil, "inspect", "--db", db, "--format", "json", "-c", filepath.Join(dir, "tenantguard.yaml"))
	if code != ExitOK && code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	fs = decodeFindings(t, stdout)
	if findingOf(fs, "role-bypasses-rls", "tg_cli_ins_batch") != nil || findingOf(fs, "rls-not-forced", "public.invoices") != nil {
		t.Errorf("config ignored: %+v", fs)
	}
}

// A role that may not read a catalog gets the report on the rest, then
// exit 2 saying what it could not read.
func TestInspectPartialRead(t *testing.T) {
	db := pgtest.NewDB(t)
	ephemeraltest.ApplyFiles(t, db, source.NewFile("inspect.sql", []byte(inspectSQL)))
	ephemeraltest.DropRolesAtEnd(t, db, []string{"tg_cli_ins_auditor"})
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE ROLE tg_cli_ins_auditor LOGIN; REVOKE SELECT ON pg_catalog.pg_policy FROM PUBLIC"); err != nil {
		t.Fatal(err)
	}
	auditor := withURL(t, db, func(u *url.URL) { u.User = url.User("tg_cli_ins_auditor") })
	code, stdout, stderr := run(t, t.TempDir(), nil, "inspect", "--db", auditor, "--no-color")
	if code != ExitError {
		t.Errorf("exit %d, want %d", code, ExitError)
	}
	if !strings.Contains(stdout, "public.invoices: error rls-not-forced") || !strings.Contains(stdout, "(policies): could not read: permission denied for table pg_policy") {
		t.Errorf("report:\n%s", stdout)
	}
	if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "could not read policies (permission denied for table pg_policy (SQLSTATE 42501)); the report covers the rest") {
		t.Errorf("stderr %q", stderr)
	}
	// rls-no-policy would be wrong here: the policies were not read.
	if strings.Contains(stdout, "rls-no-policy") {
		t.Errorf("a finding from policies that could not be read:\n%s", stdout)
	}
}

func TestJoinAnd(t *testing.T) {
	for in, want := range map[string]string{"": "", "a": "a", "a,b": "a and b", "a,b,c": "a, b and c"} {
		var items []string
		if in != "" {
			items = strings.Split(in, ",")
		}
		if got := joinAnd(items); got != want {
			t.Errorf("joinAnd(%q) = %q, want %q", items, got, want)
		}
	}
}

// countingProxy forwards TCP connections to a server and counts them.
type countingProxy struct {
	l     net.Listener
	conns atomic.Int64
}

func newCountingProxy(t *testing.T, target string) *countingProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &countingProxy{l: l}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			p.conns.Add(1)
			go func() {
				defer c.Close()
				s, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer s.Close()
				go io.Copy(s, c)
				io.Copy(c, s)
			}()
		}
	}()
	return p
}

// inspect uses one connection, and `schemas` in the config narrows what
// it reads.
func TestInspectOneConnectionAndSchemas(t *testing.T) {
	db := pgtest.NewDB(t)
	ephemeraltest.ApplyFiles(t, db, source.NewFile("inspect.sql", []byte(inspectSQL+`
CREATE SCHEMA billing;
CREATE TABLE billing.payments (id bigint PRIMARY KEY, org_id uuid NOT NULL);
`)))
	u, err := url.Parse(db)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCountingProxy(t, u.Host)
	u.Host = proxy.l.Addr().String()
	code, stdout, stderr := run(t, t.TempDir(), nil, "inspect", "--db", u.String(), "--format", "json")
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := proxy.conns.Load(); n != 1 {
		t.Errorf("inspect opened %d connections, want 1", n)
	}
	fs := decodeFindings(t, stdout)
	if findingOf(fs, "rls-disabled", "billing.payments") == nil {
		t.Errorf("billing.payments not reported without a schemas setting: %+v", fs)
	}
	dir := writeFiles(t, map[string]string{"tenantguard.yaml": "schemas: [public]\n"})
	code, stdout, stderr = run(t, dir, nil, "inspect", "--db", db, "--format", "json", "-c", filepath.Join(dir, "tenantguard.yaml"))
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	fs = decodeFindings(t, stdout)
	if findingOf(fs, "rls-not-forced", "public.invoices") == nil {
		t.Errorf("public.invoices not reported with schemas [public]: %+v", fs)
	}
	for _, f := range fs {
		if strings.HasPrefix(f.Object, "billing.") {
			t.Errorf("schemas [public], yet reported: %+v", f)
		}
	}
}
