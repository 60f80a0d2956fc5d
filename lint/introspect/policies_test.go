package introspect_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tenantguard/tenantguard/internal/pgtest"
	"github.com/tenantguard/tenantguard/lint/ddl"
	"github.com/tenantguard/tenantguard/lint/introspect"
	"github.com/tenantguard/tenantguard/lint/model"
)

// Copies of a policy on many tables are printed once and renamed; every
// policy must come out exactly as if it had been printed for its own
// table: same text, same resolution of every column.
func TestPolicyTextsMatchTheServer(t *testing.T) {
	url := pgtest.NewDB(t)
	conn := connect(t, url)
	var b strings.Builder
	b.WriteString("CREATE TABLE members (org_id uuid, user_id uuid);\n")
	b.WriteString("CREATE TABLE g (id bigint, org_id uuid, title text);\n")
	for i, name := range []string{"a", "bb", "Mixed Case", "select", "d_with_a_long_name_to_move_positions", "e", "f"} {
		q := `"` + name + `"`
		cols := "id bigint, org_id uuid, title text"
		if i == 5 {
			cols = "org_id uuid, id bigint, title text" // other column numbers: another group
		}
		fmt.Fprintf(&b, "CREATE TABLE %s (%s);\n", q, cols)
		fmt.Fprintf(&b, "CREATE POLICY tenant ON %s USING (org_id = current_setting('app.current_tenant')::uuid);\n", q)
		fmt.Fprintf(&b, "CREATE POLICY member ON %s FOR SELECT USING (EXISTS (SELECT 1 FROM members m WHERE m.org_id = %s.org_id AND %s.title IS NOT NULL)) ;\n", q, q, q)
		if i == 6 {
			// A self-join: the name also names a relation, so the copy
			// cannot be renamed and is printed on its own.
			fmt.Fprintf(&b, "CREATE POLICY self ON %s FOR UPDATE USING (EXISTS (SELECT 1 FROM %s x WHERE x.id = %s.id)) WITH CHECK (true);\n", q, q, q)
		} else {
			fmt.Fprintf(&b, "CREATE POLICY self ON %s FOR UPDATE USING (EXISTS (SELECT 1 FROM members x WHERE x.org_id = %s.org_id)) WITH CHECK (true);\n", q, q)
		}
	}
	// The same policy on a table named like a relation the copy reads:
	// the server prints the copy with an alias (g_1), so the first one's
	// text cannot simply be renamed.
	b.WriteString(`CREATE POLICY collide ON "a" USING (EXISTS (SELECT 1 FROM public.g WHERE g.org_id = "a".org_id));
CREATE SCHEMA other;
CREATE TABLE other.g (id bigint, org_id uuid, title text);
CREATE POLICY collide ON other.g USING (EXISTS (SELECT 1 FROM public.g WHERE public.g.org_id = other.g.org_id));
`)
	if _, err := conn.Exec(context.Background(), b.String()); err != nil {
		t.Fatal(err)
	}
	cat := read(t, conn, introspect.Options{})
	if _, err := conn.Exec(context.Background(), "SET search_path = ''"); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.Query(context.Background(), `SELECT n.nspname, c.relname, pol.polname, pg_get_expr(pol.polqual, pol.polrelid), pg_get_expr(pol.polwithcheck, pol.polrelid)
		FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var schema, table, name string
		var using, check *string
		if err := rows.Scan(&schema, &table, &name, &using, &check); err != nil {
			t.Fatal(err)
		}
		n++
		tb := cat.Table(model.QName{Schema: schema, Name: table})
		p := tb.Policy(name)
		for _, side := range []struct {
			clause string
			want   *string
			got    *model.Expr
		}{{"USING", using, p.Using}, {"WITH CHECK", check, p.WithCheck}} {
			if side.want == nil {
				if side.got != nil {
					t.Errorf("%s.%s %s: %s, want none", table, name, side.clause, side.got)
				}
				continue
			}
			want, err := ddl.ParseExpr(cat, tb, *side.want)
			if err != nil {
				t.Fatal(err)
			}
			if got, w := resolved(side.got), resolved(want); got != w {
				t.Errorf("%s.%s %s:\n got %s\nwant %s", table, name, side.clause, got, w)
			}
		}
	}
	if n != 23 {
		t.Errorf("%d policies", n)
	}
}

// resolved prints an expression with where each column reference went.
func resolved(e *model.Expr) string {
	if e == nil {
		return "<nil>"
	}
	s := e.String()
	model.Walk(e, func(x *model.Expr) bool {
		if x.Kind == model.ColumnRef {
			s += fmt.Sprintf(" | %v->%v@%d", x.Names, x.Rel, x.Depth)
		}
		return true
	})
	return s
}
