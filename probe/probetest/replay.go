package probetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// reproduceHeader starts the reproduction SQL in a probe finding's detail.
const reproduceHeader = "everything is rolled back):\n"

// Statement is one statement of a reproduction, as the server ran it.
type Statement struct {
	SQL string
	// Value is the first column of the first row ("" when none);
	// Affected the rows an INSERT, UPDATE or DELETE affected.
	Value    string
	Affected int64
}

// Reproduction parses the SQL of a probe finding's detail: one statement a
// line, indented, each ending with a semicolon, from BEGIN to ROLLBACK.
func Reproduction(detail string) ([]string, error) {
	_, block, ok := strings.Cut(detail, reproduceHeader)
	if !ok {
		return nil, fmt.Errorf("no reproduction SQL in the detail")
	}
	var out []string
	for _, line := range strings.Split(block, "\n") {
		if !strings.HasPrefix(line, "  ") || !strings.HasSuffix(line, ";") {
			return nil, fmt.Errorf("not a statement line: %q", line)
		}
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(line, "  "), ";"))
	}
	if len(out) < 3 || out[0] != "BEGIN" || out[len(out)-1] != "ROLLBACK" {
		return nil, fmt.Errorf("the reproduction does not run from BEGIN to ROLLBACK: %q", out)
	}
	return out, nil
}

// Replay runs the reproduction SQL of a probe finding's detail on the
// database at url, one statement at a time as psql would, and returns what
// each did. Its last statement is the ROLLBACK.
func Replay(t testing.TB, url, detail string) []Statement {
	t.Helper()
	stmts, err := Reproduction(detail)
	if err != nil {
		t.Fatalf("%v:\n%s", err, detail)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	out := make([]Statement, 0, len(stmts))
	for _, sql := range stmts {
		res := conn.PgConn().Exec(ctx, sql)
		results, err := res.ReadAll()
		if err != nil {
			t.Fatalf("the reproduction failed at %s: %v\n%s", sql, err, detail)
		}
		st := Statement{SQL: sql}
		if len(results) == 1 {
			r := results[0]
			if len(r.Rows) > 0 && len(r.Rows[0]) > 0 {
				st.Value = string(r.Rows[0][0])
			}
			if r.CommandTag.Insert() || r.CommandTag.Update() || r.CommandTag.Delete() {
				st.Affected = r.CommandTag.RowsAffected()
			}
		}
		out = append(out, st)
	}
	return out
}

// ShowsLeak replays a probe finding's reproduction and says why it does
// not show the leak ("" when it does): a count of the other tenant's rows
// above zero, a view whose rows change when a row of the other tenant is
// added, or writes that each affected a row.
func ShowsLeak(t testing.TB, url, rule, detail string) string {
	t.Helper()
	stmts := Replay(t, url, detail)
	acting := -1
	for i, s := range stmts {
		if strings.HasPrefix(s.SQL, "SET LOCAL ROLE ") {
			acting = i
			break
		}
	}
	if acting < 0 {
		return "the reproduction never becomes the application's role"
	}
	checks := stmts[acting+1 : len(stmts)-1]
	var reads, writes []Statement
	for _, s := range checks {
		switch {
		case strings.HasPrefix(s.SQL, "SELECT count(*)"):
			reads = append(reads, s)
		case strings.HasPrefix(s.SQL, "INSERT ") || strings.HasPrefix(s.SQL, "UPDATE ") || strings.HasPrefix(s.SQL, "DELETE "):
			writes = append(writes, s)
		}
	}
	switch rule {
	case "probe-write-leak", "probe-delete-leak":
		if len(writes) == 0 {
			return "no write to replay"
		}
		for _, w := range writes {
			if w.Affected < 1 {
				return fmt.Sprintf("%s affected no row", w.SQL)
			}
		}
		return ""
	}
	switch {
	case len(reads) == 0:
		return "no read to replay"
	case len(reads) >= 2 && strings.HasPrefix(reads[0].SQL, "SELECT count(*)::text || "):
		// A view without the tenant column, read before and after a row
		// of the other tenant is added.
		if reads[0].Value == reads[len(reads)-1].Value {
			return fmt.Sprintf("the view read the same before and after (%s)", reads[0].Value)
		}
		return ""
	}
	if last := reads[len(reads)-1]; last.Value == "" || last.Value == "0" {
		return fmt.Sprintf("%s counted %q rows", last.SQL, last.Value)
	}
	return ""
}
