package probe

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/rules"
)

// Defaults of Options.
const (
	DefaultTimeout     = 5 * time.Second
	DefaultLockTimeout = time.Second
	DefaultParallel    = 4
)

// Options configure a probe run.
type Options struct {
	// Config is the project's configuration: tenancy (which tables are
	// tenant-scoped) and Probe (role, tenant_setting or preset, tenants).
	Config *lint.Config
	// Catalog is the live catalog (lint/introspect) of the database the
	// probe connects to: it decides which tables are tenant-scoped, and
	// its policies tell the Supabase preset where memberships live.
	Catalog *model.Catalog
	// ReadOnly skips every check that writes (seeding, write and delete
	// checks), for databases where even a rolled-back write is not
	// allowed. A hot standby turns it on by itself.
	ReadOnly bool
	// Timeout is the statement_timeout of every probe statement;
	// LockTimeout its lock_timeout (a locked table is reported as not
	// probed and the run goes on).
	Timeout     time.Duration
	LockTimeout time.Duration
	// Parallel is the number of tables probed at once (the size of the
	// connection pool).
	Parallel int
	// InferRole lets a run with no probe role configured, on a connection
	// that sees every row, act as the one role (other than admin roles)
	// granted privileges on the tenant tables: what `check` does, where
	// the probe is one part of a larger run. Without it such a run is
	// refused with an ErrConfig.
	InferRole bool
	// Stop, when closed, ends the run gently: no new table is started,
	// the tables in progress finish and roll back (setting back the
	// sequences their triggers moved), and Run returns ErrInterrupted.
	// Cancelling ctx instead stops at once: the statements running are
	// cancelled and the server rolls their transactions back.
	Stop <-chan struct{}
}

// ErrInterrupted is returned by a run ended through Options.Stop.
var ErrInterrupted = errors.New("probe: interrupted; the tables in progress were rolled back")

// Result is what a probe run found.
type Result struct {
	Findings []lint.Finding
	// Checks lists each probe rule applied to each table or view probed.
	Checks []lint.Check
	// Rules are the probe rules that ran.
	Rules []*lint.Rule
	// NotProbed are the tables the probe could not check, and why.
	NotProbed []NotProbed
	// Notes are remarks for --verbose: inconclusive checks, what was
	// seeded, what was inferred.
	Notes []string
	// Tables is the number of tenant tables probed.
	Tables int
	// ReadOnly reports a run without writes, and ReadOnlyReason why
	// ("--read-only", "the server is a hot standby").
	ReadOnly       bool
	ReadOnlyReason string
	// Actor describes how the probe acted as the application.
	Actor string
}

// NotProbed is a table the probe could not check.
type NotProbed struct {
	Object string
	Reason string
}

// ErrConfig reports a probe that cannot run as configured (no probe role
// for a superuser connection, a role that does not exist, ...). The
// message says what to change.
type ErrConfig struct{ Msg string }

func (e *ErrConfig) Error() string { return e.Msg }

func configErrorf(format string, args ...any) error {
	return &ErrConfig{Msg: fmt.Sprintf(format, args...)}
}

// ApplicationName is the application_name of the probe's connections:
// what a DBA sees in pg_stat_activity.
const ApplicationName = "tenantguard probe"

// Run probes every tenant-scoped table of the database conn points at:
// it acts as tenant A through the application's role and tenant context
// and tries to read, write, move and delete tenant B's rows, with no
// tenant set, as the table's owner, with forged claims and through
// views. Every table is probed in its own transaction, rolled back
// whatever happens; see the package documentation.
//
// Errors are returned for runs that cannot be done (unreachable
// database, *ErrConfig); tables that could not be probed are listed in
// Result.NotProbed.
func Run(ctx context.Context, conn *pgx.ConnConfig, opts Options) (*Result, error) {
	if opts.Config == nil || opts.Catalog == nil {
		return nil, errors.New("probe: Options.Config and Options.Catalog are required")
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = DefaultLockTimeout
	}
	if opts.Parallel <= 0 {
		opts.Parallel = DefaultParallel
	}
	pool, err := newPool(ctx, conn, opts.Parallel)
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	p := &prober{opts: opts, cfg: opts.Config, cat: opts.Catalog, pool: pool, res: &Result{},
		tenantCol: map[uint32]string{}, views: map[uint32][]viewLeak{}}
	if err := p.preflight(ctx); err != nil {
		return nil, err
	}
	if err := p.prepare(ctx); err != nil {
		return nil, err
	}
	for _, phase := range []func(context.Context, *target) error{p.unsetPhase, p.tablePhase} {
		if err := p.forEach(ctx, phase); err != nil {
			return nil, err
		}
		if p.stopped() {
			return nil, ErrInterrupted
		}
	}
	p.finish()
	return p.res, nil
}

// newPool opens the probe's connection pool. Connections carry
// application_name and, on PostgreSQL 14 and later,
// client_connection_check_interval, so that a server running a long probe
// statement notices at once when tenantguard is killed and rolls back.
func newPool(ctx context.Context, conn *pgx.ConnConfig, size int) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig("")
	if err != nil {
		return nil, fmt.Errorf("probe: %w", err)
	}
	pc.ConnConfig = conn.Copy()
	if pc.ConnConfig.RuntimeParams == nil {
		pc.ConnConfig.RuntimeParams = map[string]string{}
	}
	pc.ConnConfig.RuntimeParams["application_name"] = ApplicationName
	pc.MaxConns = int32(size)
	pc.MinConns = 0
	pc.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		if serverMajor(c) >= 14 {
			_, err := c.Exec(ctx, "SET client_connection_check_interval = 1000")
			return err
		}
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("probe: connect: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("probe: connect: %w", err)
	}
	return pool, nil
}

func serverMajor(c *pgx.Conn) int {
	v := c.PgConn().ParameterStatus("server_version")
	i := 0
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		i++
	}
	n, _ := strconv.Atoi(v[:i])
	return n
}

// prober is one run.
type prober struct {
	opts Options
	cfg  *lint.Config
	cat  *model.Catalog
	pool *pgxpool.Pool
	lc   *liveCatalog
	ten  tenancy
	lim  limits

	// role is the role the application connects as; user the role of
	// the connection (which seeds rows and becomes the others).
	role, user string
	// userSees reports a connection that bypasses row level security.
	userSees bool
	readOnly bool
	// actsAsOwner lists the owners whose privileges the probe role has
	// (it bypasses their tables' policies unless forced); canBecome the
	// roles the connection may SET ROLE to.
	actsAsOwner map[string]bool
	canBecome   map[string]bool
	supabase    *supabaseTenancy

	targets   []*target
	tenantCol map[uint32]string
	// seqGuard marks the tables whose writes may reach a trigger;
	// their transactions hold seqMu (sequences.go).
	seqGuard map[uint32]bool
	seqMu    sync.Mutex
	// sharedMu is held by the transaction seeding a configured tenant
	// (txLocks).
	sharedMu sync.Mutex
	rules    map[string]ruleState

	mu    sync.Mutex
	res   *Result
	views map[uint32][]viewLeak
}

type ruleState struct {
	rule *lint.Rule
	sev  lint.Severity
	on   bool
}

// on reports whether a probe rule is enabled.
func (p *prober) on(r *lint.Rule) bool { return p.rules[r.Name].on }

func (p *prober) note(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.res.Notes = append(p.res.Notes, fmt.Sprintf(format, args...))
}

func (p *prober) notProbed(obj, format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.res.NotProbed = append(p.res.NotProbed, NotProbed{Object: obj, Reason: fmt.Sprintf(format, args...)})
}

const queryWhoAmI = `SELECT current_user::text, r.rolsuper, r.rolbypassrls, pg_is_in_recovery(),
  current_setting('transaction_read_only') = 'on'
FROM pg_roles r WHERE r.rolname = current_user`

// preflight checks who the connection is and who the probe acts as, and
// refuses runs whose results would be meaningless.
func (p *prober) preflight(ctx context.Context) error {
	var super, bypass, recovery, readOnlyTx bool
	if err := p.pool.QueryRow(ctx, queryWhoAmI).Scan(&p.user, &super, &bypass, &recovery, &readOnlyTx); err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	pc := p.cfg.Probe
	supabase := strings.EqualFold(pc.Preset, "supabase")
	p.role = pc.Role
	if p.role == "" && supabase {
		p.role = "authenticated"
	}
	p.userSees = super || bypass
	if p.role == "" {
		if p.userSees && !p.opts.InferRole {
			return p.noRole()
		}
		if !p.userSees {
			p.role = p.user
		}
	}
	switch {
	case p.opts.ReadOnly:
		p.readOnly, p.res.ReadOnlyReason = true, "--read-only"
	case recovery:
		p.readOnly, p.res.ReadOnlyReason = true, "the server is a hot standby (pg_is_in_recovery())"
	case readOnlyTx:
		p.readOnly, p.res.ReadOnlyReason = true, "the database only allows read-only transactions (default_transaction_read_only)"
	}
	p.res.ReadOnly = p.readOnly
	idle := 2 * p.opts.Timeout
	if idle < 10*time.Second {
		idle = 10 * time.Second
	}
	p.lim = limits{statement: p.opts.Timeout, lock: p.opts.LockTimeout, idle: idle, readOnly: p.readOnly}
	p.rules = map[string]ruleState{}
	for _, r := range rules.All() {
		if !r.Probe {
			continue
		}
		sev, on := p.cfg.SeverityOf(r)
		p.rules[r.Name] = ruleState{rule: r, sev: sev, on: on}
		if on {
			p.res.Rules = append(p.res.Rules, r)
		}
	}
	return nil
}

// noRole refuses a run that would act as a role that sees every row.
func (p *prober) noRole() error {
	return configErrorf("the database URL connects as %s, %s, which sees every row: a probe as that role would report every table as a leak; set probe.role in tenantguard.yaml or pass --role ROLE (the role your application connects as)", p.user, p.userKind())
}

func (p *prober) userKind() string {
	var super bool
	_ = p.pool.QueryRow(context.Background(), "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").Scan(&super)
	if super {
		return "a superuser"
	}
	return "a role with BYPASSRLS"
}

// checkRole refuses a probe role that does not exist, sees every row, or
// that the connection cannot become.
func (p *prober) checkRole(ctx context.Context) error {
	var roleSuper, roleBypass, member bool
	err := p.pool.QueryRow(ctx, `SELECT rolsuper, rolbypassrls, pg_has_role(current_user, oid, 'MEMBER') FROM pg_roles WHERE rolname = $1`, p.role).
		Scan(&roleSuper, &roleBypass, &member)
	if errors.Is(err, pgx.ErrNoRows) {
		if strings.EqualFold(p.cfg.Probe.Preset, "supabase") && p.cfg.Probe.Role == "" {
			return configErrorf("the supabase preset acts as role authenticated, which does not exist in this database (is it a Supabase database? set probe.role otherwise)")
		}
		return configErrorf("probe role %q does not exist in this database", p.role)
	}
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	switch {
	case roleSuper:
		return configErrorf("probe role %s is a superuser, which sees every row: probe as the role your application connects as", p.role)
	case roleBypass:
		return configErrorf("probe role %s has BYPASSRLS, so every table would show as a leak: probe as the role your application connects as (role-bypasses-rls in `tenantguard inspect` reports roles like this)", p.role)
	case !member:
		return configErrorf("the database URL connects as %s, which cannot act as probe role %s: GRANT %s TO %s, or connect as a more privileged role", p.user, p.role, quoteIdent(p.role), quoteIdent(p.user))
	}
	return nil
}

// queryGrantees lists the roles granted privileges on the given tables,
// other than their owners, superusers and roles that bypass RLS.
const queryGrantees = `SELECT DISTINCT r.rolname::text
FROM pg_class c, aclexplode(c.relacl) a
JOIN pg_roles r ON r.oid = a.grantee
WHERE c.oid = ANY ($1::oid[]) AND a.grantee <> c.relowner AND NOT r.rolsuper AND NOT r.rolbypassrls
ORDER BY 1`

// inferRole picks the role the application connects as when none is
// configured (Options.InferRole): the one role granted the tenant tables.
func (p *prober) inferRole(ctx context.Context) error {
	oids := make([]uint32, 0, len(p.targets))
	for _, tg := range p.targets {
		oids = append(oids, tg.rel.oid)
	}
	rows, err := p.pool.Query(ctx, queryGrantees, oids)
	if err != nil {
		return fmt.Errorf("probe: read grants: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("probe: read grants: %w", err)
	}
	var cands []string
	for _, n := range names {
		if !p.cfg.IsAdminRole(n) {
			cands = append(cands, n)
		}
	}
	if len(cands) != 1 {
		err := p.noRole()
		if len(cands) > 1 {
			err = configErrorf("%s (roles granted the tenant tables: %s)", err, strings.Join(cands, ", "))
		}
		return err
	}
	p.role = cands[0]
	p.note("probe.role is not set: probing as %s, the only role granted privileges on the tenant tables", p.role)
	return nil
}

// prepare reads the live catalog, picks the tables and sets up the
// tenant context.
func (p *prober) prepare(ctx context.Context) error {
	lc, err := readCatalog(ctx, p.pool, p.lim)
	if err != nil {
		return err
	}
	p.lc = lc
	tn := lint.Classify(p.cat, p.cfg)
	for _, t := range p.cat.Tables() {
		if col, ok := tn.TenantColumn(t); ok {
			if r := lc.relation(t.QName()); r != nil {
				p.tenantCol[r.oid] = col
			}
		}
	}
	for _, t := range tn.TenantTables(p.cat) {
		col, _ := tn.TenantColumn(t)
		r := lc.relation(t.QName())
		if r == nil || r.byName[col] == nil {
			p.note("%s: in the catalog read but not found when probing (dropped meanwhile?)", t.QName())
			continue
		}
		tg := &target{rel: r, col: r.byName[col], model: t}
		for _, v := range lc.viewsOver(r) {
			if p.cfg.ChecksSchema(v.name.Schema) {
				tg.views = append(tg.views, v)
			}
		}
		if fk := tenantForeignKey(r, col); fk != nil && fk.parentRel != nil {
			tg.root, tg.rootCol = fk.parentRel, fk.refCols[0]
		}
		p.targets = append(p.targets, tg)
	}
	if p.role == "" {
		if err := p.inferRole(ctx); err != nil {
			return err
		}
	}
	if err := p.checkRole(ctx); err != nil {
		return err
	}
	if err := p.roles(ctx); err != nil {
		return err
	}
	if err := p.setupTenancy(ctx); err != nil {
		return err
	}
	p.seqGuard = p.triggerReach()
	if p.readOnly {
		p.note("read-only run (%s): no rows seeded, write and delete checks skipped", p.res.ReadOnlyReason)
	}
	return nil
}

// tenantForeignKey returns the foreign key of the tenant column alone.
func tenantForeignKey(r *relation, col string) *foreignKey {
	for _, fk := range r.fks {
		if len(fk.cols) == 1 && fk.cols[0] == col {
			return fk
		}
	}
	return nil
}

// roles learns which owners the probe may become and which it acts as.
func (p *prober) roles(ctx context.Context) error {
	p.actsAsOwner, p.canBecome = map[string]bool{}, map[string]bool{}
	rows, err := p.pool.Query(ctx, `SELECT rolname::text, pg_has_role(current_user, oid, 'MEMBER'), pg_has_role($1, oid, 'USAGE') FROM pg_roles`, p.role)
	if err != nil {
		return fmt.Errorf("probe: read roles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var become, acts bool
		if err := rows.Scan(&name, &become, &acts); err != nil {
			return fmt.Errorf("probe: read roles: %w", err)
		}
		p.canBecome[name], p.actsAsOwner[name] = become, acts
	}
	return rows.Err()
}

// setupTenancy decides how the probe sets the tenant: the configured
// setting, the Supabase preset, or the one custom setting the policies
// read.
func (p *prober) setupTenancy(ctx context.Context) error {
	pc := p.cfg.Probe
	if strings.EqualFold(pc.Preset, "supabase") {
		s := &supabaseTenancy{role: p.role}
		var anon bool
		if err := p.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon')`).Scan(&anon); err != nil {
			return fmt.Errorf("probe: %w", err)
		}
		if anon && p.canBecome["anon"] {
			s.anon = "anon"
		}
		if users := p.lc.relation(model.QName{Schema: "auth", Name: "users"}); users != nil {
			s.usersIdent = users.ident
			s.hasMetadata = users.byName["raw_user_meta_data"] != nil
		}
		// The tenant goes only under the tenant column names and the
		// keys the policies compare with a tenant column; the other keys
		// they read get a legitimate user's values (otherClaims).
		names := map[string]bool{}
		for _, c := range p.cfg.TenantColumns {
			names[c] = true
		}
		for _, tg := range p.targets {
			names[tg.col.name] = true
		}
		keys, read, consts := map[string]bool{}, map[string]bool{}, map[string][]string{}
		for k := range names {
			keys[k] = true
		}
		for _, tg := range p.targets {
			for k := range tenantClaimKeys(p.cat, tg.model, names) {
				keys[k] = true
			}
			for k := range allClaimKeys(p.cat, tg.model) {
				read[k] = true
			}
			for k, cs := range claimConstants(p.cat, tg.model) {
				for _, c := range cs {
					if !contains(consts[k], c) {
						consts[k] = append(consts[k], c)
					}
				}
			}
		}
		s.tenantKeys = sortedKeys(keys)
		var notes []string
		s.extra, notes = otherClaims(read, keys, consts)
		for _, n := range notes {
			p.note("Supabase preset: %s", n)
		}
		p.supabase = s
		p.ten = s
		p.res.Actor = s.describe()
		return nil
	}
	setting := pc.TenantSetting
	if setting == "" {
		names := map[string]bool{}
		jwt := false
		for _, tg := range p.targets {
			for n := range settingsRead(p.cat, tg.model) {
				if strings.HasPrefix(n, "request.jwt") {
					jwt = true
					continue
				}
				names[n] = true
			}
		}
		list := sortedKeys(names)
		switch {
		case len(list) == 1:
			setting = list[0]
			p.note("probe.tenant_setting is not set: using %s, the only setting the policies read", setting)
		case jwt && len(list) == 0:
			return configErrorf("the policies read JWT claims: set probe.preset: supabase in tenantguard.yaml (or --preset supabase), or probe.tenant_setting")
		case len(list) == 0:
			return configErrorf("no tenant context configured: set probe.tenant_setting in tenantguard.yaml (or --tenant-setting NAME) to the setting your application sets per request, or probe.preset: supabase")
		default:
			return configErrorf("no tenant context configured and the policies read several settings (%s): set probe.tenant_setting in tenantguard.yaml (or --tenant-setting NAME)", strings.Join(list, ", "))
		}
	}
	p.ten = &sessionTenancy{role: p.role, setting: setting}
	p.res.Actor = p.ten.describe()
	return nil
}

// forEach runs fn on every target over the pool. A fatal error (the
// connection lost, the run cancelled) stops the run.
func (p *prober) forEach(ctx context.Context, fn func(context.Context, *target) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan *target)
	var wg sync.WaitGroup
	for i := 0; i < p.opts.Parallel; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for tg := range work {
				if err := p.safely(ctx, fn, tg); err != nil {
					cancel(err)
				}
			}
		}()
	}
feed:
	for _, tg := range p.targets {
		select {
		case work <- tg:
		case <-ctx.Done():
			break feed
		case <-p.opts.Stop:
			break feed
		}
	}
	close(work)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("probe: %w (everything the probe did was rolled back)", err)
		}
		return fmt.Errorf("probe: %w", err)
	}
	return nil
}

// safely runs fn on one table; a panic outside its transaction (which
// inTx already recovers from) ends that table's probe like one inside.
func (p *prober) safely(ctx context.Context, fn func(context.Context, *target) error, tg *target) (err error) {
	defer func() {
		if rec := recover(); rec != nil {
			err = p.guard(ctx, tg, &internalError{value: fmt.Sprint(rec), stack: string(debug.Stack())})
		}
	}()
	return fn(ctx, tg)
}

// stopped reports whether Options.Stop was closed.
func (p *prober) stopped() bool {
	select {
	case <-p.opts.Stop:
		return true
	default:
		return false
	}
}

// finish sorts what was found and lists the checks made.
func (p *prober) finish() {
	for _, leaks := range p.views {
		sort.Slice(leaks, func(i, j int) bool { return leaks[i].table < leaks[j].table })
		p.res.Findings = append(p.res.Findings, leaks[0].finding)
	}
	for i := range p.res.Findings {
		f := &p.res.Findings[i]
		f.Fingerprint = lint.Fingerprint(f)
	}
	lint.SortFindings(p.res.Findings)
	sort.Slice(p.res.NotProbed, func(i, j int) bool { return p.res.NotProbed[i].Object < p.res.NotProbed[j].Object })
	sort.Strings(p.res.Notes)
	sort.Slice(p.res.Checks, func(i, j int) bool {
		a, b := p.res.Checks[i], p.res.Checks[j]
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Object < b.Object
	})
}
