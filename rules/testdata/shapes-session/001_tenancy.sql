-- Session-variable tenancy (SET app.current_tenant = '42' per request or
-- transaction, as Citus- and PostgREST-style guides do it): the spellings
-- that are right, and the fallbacks that are not. tenant_setting is left
-- unset in the config, so any custom setting counts as the tenant's.

CREATE TABLE tenants (id bigint PRIMARY KEY, name text NOT NULL);

-- ------------------------------------------------------ good: silent
CREATE TABLE orders (id bigint PRIMARY KEY, tenant_id bigint NOT NULL REFERENCES tenants (id), total numeric);
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;
CREATE POLICY orders_plain ON orders USING (tenant_id = current_setting('app.current_tenant')::bigint);
CREATE POLICY orders_text ON orders FOR SELECT USING (tenant_id::text = current_setting('app.current_tenant'));
CREATE POLICY orders_reversed ON orders FOR SELECT USING (current_setting('app.current_tenant', true)::bigint = tenant_id);
CREATE POLICY orders_subselect ON orders FOR SELECT USING (tenant_id = (SELECT current_setting('app.current_tenant')::bigint));
CREATE POLICY orders_cast ON orders FOR SELECT USING (tenant_id = CAST(nullif(current_setting('app.current_tenant', true), '') AS bigint));
-- A sentinel no tenant has: unset means no rows.
CREATE POLICY orders_sentinel ON orders FOR SELECT
  USING (tenant_id = coalesce(nullif(current_setting('app.current_tenant', true), '')::bigint, -1));
-- coalesce(..., false) only turns NULL into "no row".
CREATE POLICY orders_coalesce_false ON orders FOR DELETE
  USING (coalesce(tenant_id = current_setting('app.current_tenant', true)::bigint, false));
-- IS NOT DISTINCT FROM on a NOT NULL column: an unset tenant matches nothing.
CREATE POLICY orders_not_distinct ON orders FOR UPDATE
  USING (tenant_id IS NOT DISTINCT FROM current_setting('app.current_tenant', true)::bigint);
-- CASE that refuses when the tenant is missing.
CREATE POLICY orders_case ON orders FOR SELECT
  USING (CASE WHEN current_setting('app.current_tenant', true) IS NULL THEN false
              ELSE tenant_id = current_setting('app.current_tenant', true)::bigint END);
-- CASE on the role: the admin role (postgres) passes, everybody else is scoped.
CREATE POLICY orders_case_admin ON orders FOR SELECT
  USING (CASE current_user WHEN 'postgres' THEN true
                           ELSE tenant_id = current_setting('app.current_tenant', true)::bigint END);
-- CASE without ELSE: NULL for other rows.
CREATE POLICY orders_case_no_else ON orders FOR SELECT
  USING (CASE WHEN tenant_id = current_setting('app.current_tenant', true)::bigint THEN true END);
-- Several tenants at once (a support user); an unset or empty list matches nothing.
CREATE POLICY orders_many ON orders FOR SELECT
  USING (tenant_id = ANY (string_to_array(current_setting('app.tenant_ids', true), ',')::bigint[]));

-- A role per tenant: the tenant is the database role itself.
CREATE TABLE ledger (id bigint PRIMARY KEY, tenant_id name NOT NULL DEFAULT current_user, amount numeric);
CREATE POLICY ledger_role ON ledger USING (tenant_id = current_user);

-- Restrictive tenant policy under a broad permissive one.
CREATE TABLE audit_log (id bigint PRIMARY KEY, tenant_id bigint NOT NULL REFERENCES tenants (id), entry text);
CREATE POLICY audit_log_any ON audit_log USING (true) WITH CHECK (true);
CREATE POLICY audit_log_tenant ON audit_log AS RESTRICTIVE
  USING (tenant_id = current_setting('app.current_tenant')::bigint);

-- ------------------------------------------------------ bad
CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id bigint NOT NULL REFERENCES tenants (id));
-- coalesce(..., true): an unset tenant lets every row through.
CREATE POLICY invoices_coalesce_true ON invoices FOR SELECT
  USING (coalesce(tenant_id = current_setting('app.current_tenant', true)::bigint, true)); -- want `policy invoices_coalesce_true on public.invoices passes every row when app.current_tenant is not set` `USING .coalesce.* \(it falls back to true whenever .* is NULL\)`
-- IS NOT FALSE is true for NULL.
CREATE POLICY invoices_not_false ON invoices FOR UPDATE
  USING ((tenant_id = current_setting('app.current_tenant', true)::bigint) IS NOT FALSE); -- want `policy invoices_not_false on public.invoices passes every row when app.current_tenant is not set`
-- CASE with a branch for "no tenant yet".
CREATE POLICY invoices_case ON invoices FOR DELETE
  USING (CASE WHEN coalesce(current_setting('app.current_tenant', true), '') = '' THEN true -- want `when coalesce\(current_setting\('app.current_tenant', true\), ''\) = '', the CASE yields true for every row` `policy invoices_case on public.invoices passes every row when app.current_tenant is not set`
              ELSE tenant_id = current_setting('app.current_tenant', true)::bigint END);
-- missing_ok spelled as a string is still missing_ok.
CREATE POLICY invoices_missing_ok ON invoices FOR SELECT
  USING (tenant_id = coalesce(current_setting('app.current_tenant', 't')::bigint, tenant_id)); -- want `passes every row when app.current_tenant is not set: .tenant_id = coalesce\(current_setting\('app.current_tenant', 't'\)`
-- NULL IS NOT DISTINCT FROM NULL is true.
CREATE POLICY invoices_null_check ON invoices FOR SELECT
  USING (current_setting('app.current_tenant', true) IS NOT DISTINCT FROM NULL -- want `passes every row when app.current_tenant is not set: .current_setting\('app.current_tenant', true\) IS NOT DISTINCT FROM NULL` `USING branch .current_setting\('app.current_tenant', true\) IS NOT DISTINCT FROM NULL.`
         OR tenant_id = current_setting('app.current_tenant', true)::bigint);
-- An empty tenant as "all tenants", with a ::text comparison.
CREATE POLICY invoices_empty ON invoices FOR SELECT
  USING (tenant_id::text = current_setting('app.current_tenant', true)
         OR current_setting('app.current_tenant', true) = ''); -- want `passes every row when app.current_tenant is set to ''` `USING branch .current_setting\('app.current_tenant', true\) = ''.`
-- Any session can SET a custom setting: this is a switch, not a check.
CREATE POLICY invoices_bypass ON invoices FOR SELECT
  USING (current_setting('app.bypass_rls', true) = 'on' OR tenant_id = current_setting('app.current_tenant')::bigint); -- want `USING branch .current_setting\('app.bypass_rls', true\) = 'on'. does not tie tenant_id to the current tenant`
-- A fixed tenant.
CREATE POLICY invoices_literal ON invoices FOR SELECT USING (tenant_id = 42); -- want `compares tenant_id to a constant`
