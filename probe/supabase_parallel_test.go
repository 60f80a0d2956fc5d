package probe_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/probe"
	"github.com/tenantguard/tenantguard/probe/probetest"
)

func supabaseParallelDB(t *testing.T) *fixtureDB {
	t.Helper()
	db := loadFixture(t, "supabase_shim.sql")
	db.execFile(t, "supabase_parallel.sql")
	return db
}

func supabaseConfig() lint.Config {
	cfg := lint.DefaultConfig()
	cfg.TenantColumns = []string{"account_id"}
	cfg.Probe.Preset = "supabase"
	return cfg
}

// Eight tables that all need the same parents seeded (tenants in
// basejump.accounts, users in auth.users, memberships), probed four at a
// time: every table is probed, with the same findings, run after run, and
// nothing is left behind. Before seeds were per table, the transactions
// waited on each other's uncommitted auth.users and accounts keys and a
// few tables ended "not probed: ... lock timeout". The lock timeout is
// made tiny so that any such wait fails the test, however fast the
// machine: a probe transaction has no other lock to wait for here.
func TestProbeParallelSeedsDoNotContend(t *testing.T) {
	db := supabaseParallelDB(t)
	before := snapshot(t, db.url)
	var first string
	for run := 0; run < 3; run++ {
		res, err := probeDB(t, db.url, supabaseConfig(), probe.Options{Parallel: 4, LockTimeout: 10 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		for _, np := range res.NotProbed {
			t.Errorf("run %d: %s: %s", run, np.Object, np.Reason)
		}
		if res.Tables < 8 {
			t.Errorf("run %d: %d tables probed, want at least 8", run, res.Tables)
		}
		got := strings.Join(summary(res), "\n")
		if run == 0 {
			first = got
		} else if got != first {
			t.Errorf("run %d found:\n%s\nrun 0 found:\n%s", run, got, first)
		}
	}
	if after := snapshot(t, db.url); after != before {
		t.Errorf("the probe changed the database:\n%s", diffLines(before, after))
	}
}

// Configured tenants missing from the tenant root: every table seeds the
// same root rows; the transactions take turns instead of timing out.
func TestProbeParallelConfiguredTenantsMissing(t *testing.T) {
	db := supabaseParallelDB(t)
	cfg := supabaseConfig()
	cfg.Probe.Tenants = []string{"aaaaaaaa-0000-4000-8000-000000000001", "bbbbbbbb-0000-4000-8000-000000000002"}
	res, err := probeDB(t, db.url, cfg, probe.Options{Parallel: 4, LockTimeout: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	for _, np := range res.NotProbed {
		t.Errorf("%s: %s", np.Object, np.Reason)
	}
}

// A permissive USING (true) behind a restrictive MFA policy: a member
// with aal2 reads every tenant's secrets. The claims carry the tenant only
// under keys compared with the tenant column; aal gets a legitimate
// user's value, so the leak shows, and the notes say so.
func TestProbeSupabaseClaimsOfALegitimateUser(t *testing.T) {
	db := supabaseParallelDB(t)
	res, err := probeDB(t, db.url, supabaseConfig(), probe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var read *lint.Finding
	for i, f := range res.Findings {
		if f.Rule == "probe-read-leak" && f.Object == "public.secrets" {
			read = &res.Findings[i]
		}
	}
	if read == nil {
		t.Fatalf("no read leak on public.secrets: %q", summary(res))
	}
	if !strings.Contains(read.Detail, `"aal":"aal2"`) {
		t.Errorf("the claims do not say aal2:\n%s", read.Detail)
	}
	if why := probetest.ShowsLeak(t, db.url, read.Rule, read.Detail); why != "" {
		t.Errorf("the reproduction does not show the leak: %s\n%s", why, read.Detail)
	}
	noted := false
	for _, n := range res.Notes {
		noted = noted || strings.Contains(n, `claim aal = "aal2"`)
	}
	if !noted {
		t.Errorf("no note says aal was set: %q", res.Notes)
	}
	if !strings.Contains(res.Actor, "tenant keys account_id)") {
		t.Errorf("actor %q: the tenant should go under account_id only", res.Actor)
	}
}

// "authors edit notes": UPDATE USING (author_id = auth.uid()) and no WITH
// CHECK. The row of tenant A moved is the acting member's own; the keyed
// UPDATE is refused by the SELECT policy on the new row, the UPDATE
// without WHERE (PostgREST's PATCH without filters) moves it.
func TestProbeMovesTheMembersOwnRow(t *testing.T) {
	db := supabaseParallelDB(t)
	res, err := probeDB(t, db.url, supabaseConfig(), probe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var move *lint.Finding
	for i, f := range res.Findings {
		if f.Rule == "probe-write-leak" && f.Object == "public.notes" {
			move = &res.Findings[i]
		}
	}
	if move == nil {
		t.Fatalf("no write leak on public.notes: %q\nnotes: %q", summary(res), res.Notes)
	}
	if !strings.Contains(move.Detail, "UPDATE public.notes SET account_id = ") || !strings.Contains(move.Detail, "1 row affected") {
		t.Errorf("detail:\n%s", move.Detail)
	}
	if why := probetest.ShowsLeak(t, db.url, move.Rule, move.Detail); why != "" {
		t.Errorf("the reproduction does not show the leak: %s\n%s", why, move.Detail)
	}
	for _, f := range res.Findings {
		if f.Rule == "probe-write-leak" && f.Object != "public.notes" {
			t.Errorf("unexpected %s %s:\n%s", f.Rule, f.Object, f.Detail)
		}
	}
}

// The same with an existing member of A who authored notes: an UPDATE
// without WHERE as that member would touch all of their notes, so the
// probe acts as a member it seeds, who owns only the seeded note; the
// existing notes stay where they are.
func TestProbeMovesASeededMembersRow(t *testing.T) {
	db := supabaseParallelDB(t)
	db.exec(t, `
INSERT INTO auth.users (id) VALUES ('a1000000-0000-4000-8000-00000000000a'), ('b1000000-0000-4000-8000-00000000000b');
INSERT INTO basejump.accounts (id, primary_owner_user_id, name) VALUES
    ('a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', 'Acme'),
    ('b0000000-0000-4000-8000-00000000000b', 'b1000000-0000-4000-8000-00000000000b', 'Globex');
INSERT INTO basejump.account_user (user_id, account_id) VALUES
    ('a1000000-0000-4000-8000-00000000000a', 'a0000000-0000-4000-8000-00000000000a'),
    ('b1000000-0000-4000-8000-00000000000b', 'b0000000-0000-4000-8000-00000000000b');
INSERT INTO public.notes (account_id, author_id, body)
    SELECT account_id, user_id, 'note ' || g FROM basejump.account_user, generate_series(1, 3) g;`)
	before := snapshot(t, db.url)
	res, err := probeDB(t, db.url, supabaseConfig(), probe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var move *lint.Finding
	for i, f := range res.Findings {
		if f.Rule == "probe-write-leak" && f.Object == "public.notes" {
			move = &res.Findings[i]
		}
	}
	if move == nil {
		t.Fatalf("no write leak on public.notes: %q\nnotes: %q", summary(res), res.Notes)
	}
	if !strings.Contains(move.Detail, "(1 row affected)") || strings.Contains(move.Detail, "a1000000-0000-4000-8000-00000000000a") {
		t.Errorf("the move should touch the seeded member's one note, not the existing member's:\n%s", move.Detail)
	}
	if why := probetest.ShowsLeak(t, db.url, move.Rule, move.Detail); why != "" {
		t.Errorf("the reproduction does not show the leak: %s\n%s", why, move.Detail)
	}
	if after := snapshot(t, db.url); after != before {
		t.Errorf("the probe changed the database:\n%s", diffLines(before, after))
	}
}
