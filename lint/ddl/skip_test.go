package ddl

import (
	"reflect"
	"testing"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

// skipSetup creates one object of each kind the skipped statements touch.
const skipSetup = `
CREATE SCHEMA app;
CREATE ROLE app_user;
CREATE TABLE t (id int PRIMARY KEY, org_id uuid NOT NULL);
CREATE TABLE s (id int);
CREATE VIEW v AS SELECT id FROM t;
CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE FUNCTION p() RETURNS int LANGUAGE sql AS 'SELECT 1';
`

// skipped are statements needsParse skips. Replaying them must not change
// the model: when replay starts to handle one of these kinds, this test
// fails, and needsParse must stop skipping it.
var skipped = []string{
	`GRANT EXECUTE ON FUNCTION f() TO app_user`,
	`REVOKE ALL ON FUNCTION f() FROM PUBLIC`,
	`GRANT EXECUTE ON PROCEDURE p() TO app_user`,
	`REVOKE EXECUTE ON ROUTINE p() FROM PUBLIC`,
	`GRANT USAGE ON SCHEMA app TO app_user`,
	`GRANT USAGE, SELECT ON SEQUENCE s TO app_user`,
	`GRANT ALL ON ALL FUNCTIONS IN SCHEMA public TO PUBLIC`,
	`GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO anon`,
	`GRANT EXECUTE ON ALL PROCEDURES IN SCHEMA public TO anon`,
	`REVOKE ALL ON ALL ROUTINES IN SCHEMA public FROM PUBLIC`,
	`GRANT CONNECT ON DATABASE postgres TO app_user`,
	`GRANT USAGE ON TYPE mood TO app_user`,
	`GRANT USAGE ON DOMAIN email TO app_user`,
	`GRANT USAGE ON LANGUAGE plpgsql TO app_user`,
	`GRANT SELECT ON LARGE OBJECT 42 TO app_user`,
	`GRANT CREATE ON TABLESPACE fast TO app_user`,
	`GRANT SET ON PARAMETER work_mem TO app_user`,
	`GRANT USAGE ON FOREIGN DATA WRAPPER w TO app_user`,
	`GRANT USAGE ON FOREIGN SERVER srv TO app_user`,
	`revoke all on function f() from public`,
	`CREATE SEQUENCE s_seq`,
	`CREATE TEMP SEQUENCE tmp_seq`,
	`CREATE UNLOGGED SEQUENCE u_seq`,
	`ALTER SEQUENCE s_seq OWNED BY t.id`,
	`ALTER SEQUENCE s_seq RENAME TO s2_seq`,
	`ALTER SEQUENCE s_seq OWNER TO app_user`,
	`DROP SEQUENCE s_seq CASCADE`,
	`CREATE TYPE mood AS ENUM ('ok', 'sad')`,
	`ALTER TYPE mood ADD VALUE 'meh'`,
	`ALTER TYPE mood OWNER TO app_user`,
	`ALTER TYPE mood RENAME TO feeling`,
	`DROP TYPE mood CASCADE`,
	`CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%')`,
	`ALTER DOMAIN email OWNER TO app_user`,
	`DROP DOMAIN email`,
	`CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()`,
	`CREATE OR REPLACE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()`,
	`CREATE CONSTRAINT TRIGGER ctrg AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()`,
	`ALTER TRIGGER trg ON t RENAME TO trg2`,
	`DROP TRIGGER trg ON t`,
	`CREATE EVENT TRIGGER etrg ON ddl_command_end EXECUTE FUNCTION f()`,
	`ALTER EVENT TRIGGER etrg DISABLE`,
	`DROP EVENT TRIGGER etrg`,
	`CREATE AGGREGATE agg (int) (SFUNC = int4pl, STYPE = int)`,
	`CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = int4eq)`,
	`CREATE CAST (text AS int) WITH INOUT`,
	`CREATE COLLATION c1 (locale = 'C')`,
	`CREATE TEXT SEARCH CONFIGURATION ts (COPY = english)`,
	`CREATE PUBLICATION pub FOR TABLE t`,
	`ALTER PUBLICATION pub ADD TABLE v`,
	`CREATE SUBSCRIPTION sub CONNECTION 'dbname=x' PUBLICATION pub`,
	`CREATE STATISTICS st ON id, org_id FROM t`,
	`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO app_user`,
}

// parsedAlike are statements that look alike but change the model.
var parsedAlike = []string{
	`GRANT SELECT ON t TO app_user`,
	`GRANT SELECT ON TABLE t TO app_user`,
	`GRANT SELECT (id) ON t TO PUBLIC`,
	`GRANT ALL ON ALL TABLES IN SCHEMA public TO anon`,
	`GRANT SELECT ON "function" TO anon`,
	`GRANT SELECT ON FOREIGN TABLE ft TO anon`,
	`GRANT app_user TO bob`,
	`REVOKE SELECT ON v FROM PUBLIC`,
	`CREATE TABLE seq (id int)`,
	`CREATE TEMP TABLE tmp (id int)`,
	`CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'`,
	`CREATE USER bob`,
	`ALTER TABLE t ENABLE ROW LEVEL SECURITY`,
	`DROP FUNCTION f()`,
	`SELECT set_config('search_path', 'app', false)`,
}

func TestNeedsParseUnmodelled(t *testing.T) {
	for _, sql := range skipped {
		if raws := split([]byte(sql)); len(raws) != 1 || needsParse(&raws[0]) {
			t.Errorf("%s: want skipped without parsing", sql)
		}
	}
	for _, sql := range parsedAlike {
		if raws := split([]byte(sql)); len(raws) != 1 || !needsParse(&raws[0]) {
			t.Errorf("%s: want parsed", sql)
		}
	}
}

// TestSkippedChangeNothing replays each skipped statement on a catalog and
// checks that the catalog stays as it was.
func TestSkippedChangeNothing(t *testing.T) {
	setup := func() *replayer {
		cat := Load([]*source.File{source.NewFile("setup.sql", []byte(skipSetup))})
		if len(cat.Diagnostics) > 0 {
			t.Fatalf("setup: %v", cat.Diagnostics)
		}
		return newReplayer(cat)
	}
	// What the rules can read of a catalog.
	snapshot := func(cat *model.Catalog) any {
		return []any{cat.Tables(), cat.Views(), cat.Functions(), cat.SortedRoles(), cat.Schemas, cat.Diagnostics, cat.Notes}
	}
	want := snapshot(setup().cat)
	for _, sql := range skipped {
		tree, err := pg_query.Parse(sql)
		if err != nil {
			t.Errorf("%s: %v", sql, err)
			continue
		}
		r := setup()
		for _, rs := range tree.Stmts {
			r.replay(rs.Stmt)
		}
		if !reflect.DeepEqual(snapshot(r.cat), want) {
			t.Errorf("%s: replay changed the model; needsParse must not skip it", sql)
		}
	}
}
