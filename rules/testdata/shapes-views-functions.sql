-- Views and SECURITY DEFINER functions over tenant tables, in the forms
-- migrations spell them.
CREATE TABLE tenants (id uuid PRIMARY KEY);
CREATE TABLE members (tenant_id uuid NOT NULL REFERENCES tenants (id), user_id uuid NOT NULL, PRIMARY KEY (tenant_id, user_id));
CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id), amount numeric);

-- ------------------------------------------------------ views
-- security_barrier stops leaky functions, not the owner's rights.
CREATE VIEW invoices_barrier WITH (security_barrier) AS SELECT * FROM invoices; -- want `view public.invoices_barrier reads tenant table public.invoices but runs with its owner's rights`
-- security_invoker in its spellings.
CREATE VIEW invoices_on WITH (security_invoker = on, security_barrier = true) AS SELECT * FROM invoices;
CREATE VIEW invoices_quoted WITH (security_invoker = 'true') AS SELECT * FROM invoices;
CREATE VIEW invoices_one WITH (security_invoker = 1) AS SELECT * FROM invoices;
CREATE VIEW invoices_yes WITH (security_invoker = yes) AS SELECT id, amount FROM invoices;
CREATE VIEW invoices_off WITH (security_invoker = off) AS SELECT * FROM invoices; -- want `view public.invoices_off`
-- CREATE OR REPLACE VIEW without WITH drops the options it had
-- (checked against PostgreSQL in pg_semantics_test.go).
CREATE VIEW invoices_replaced WITH (security_invoker = true) AS SELECT id, tenant_id FROM invoices;
CREATE OR REPLACE VIEW invoices_replaced AS SELECT id, tenant_id FROM invoices; -- want `view public.invoices_replaced`
-- RESET later.
CREATE VIEW invoices_reset WITH (security_invoker = true) AS SELECT * FROM invoices;
ALTER VIEW invoices_reset RESET (security_invoker); -- want `view public.invoices_reset`
-- A view that joins the caller's memberships filters by itself.
CREATE VIEW my_invoices AS
  SELECT i.* FROM invoices i JOIN members m ON m.tenant_id = i.tenant_id WHERE m.user_id = auth.uid();
-- ... unless the join is missing: every tenant's invoices, once per membership.
CREATE VIEW my_invoices_cross AS -- want `view public.my_invoices_cross reads tenant table public.invoices`
  SELECT i.* FROM invoices i, members m WHERE m.user_id = auth.uid();

-- ------------------------------------------------------ functions
-- search_path pinned in its spellings; scoped to the caller.
CREATE FUNCTION my_total() RETURNS numeric LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
  SELECT sum(amount) FROM public.invoices WHERE tenant_id = current_setting('app.current_tenant')::uuid
$$;
CREATE FUNCTION my_total_to() RETURNS numeric LANGUAGE sql STABLE SECURITY DEFINER SET search_path TO pg_catalog, public, pg_temp AS $$
  SELECT sum(amount) FROM public.invoices WHERE tenant_id = current_setting('app.current_tenant')::uuid
$$;
CREATE FUNCTION my_total_later() RETURNS numeric LANGUAGE sql STABLE SECURITY DEFINER AS $$
  SELECT sum(amount) FROM public.invoices WHERE tenant_id = current_setting('app.current_tenant')::uuid
$$;
ALTER FUNCTION my_total_later() SET search_path = '';
-- Pinned, then unpinned.
CREATE FUNCTION my_total_reset() RETURNS numeric LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$ -- want `SECURITY DEFINER function public.my_total_reset\(\) reads tenant table public.invoices with its owner's rights but does not pin search_path`
  SELECT sum(amount) FROM public.invoices WHERE tenant_id = current_setting('app.current_tenant')::uuid
$$;
ALTER FUNCTION my_total_reset() RESET search_path;
-- A membership join keyed on the caller.
CREATE FUNCTION my_invoice_count() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT count(*) FROM public.invoices i JOIN public.members m ON m.tenant_id = i.tenant_id WHERE m.user_id = auth.uid()
$$;
-- The same without the join.
CREATE FUNCTION any_invoice_count() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT count(*) FROM public.invoices i, public.members m WHERE m.user_id = auth.uid() -- want `SECURITY DEFINER function public.any_invoice_count\(\) reads public.invoices with its owner's rights`
$$;
-- A helper in a private schema that returns the caller's tenants.
CREATE SCHEMA IF NOT EXISTS private;
CREATE FUNCTION private.my_tenants() RETURNS SETOF uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT m.tenant_id FROM public.members m WHERE m.user_id = (SELECT auth.uid())
$$;
-- The tenants of any user the caller names.
CREATE FUNCTION private.tenants_of(p_user uuid) RETURNS SETOF uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT m.tenant_id FROM public.members m WHERE m.user_id = p_user -- want `SECURITY DEFINER function private.tenants_of\(uuid\) reads public.members with its owner's rights.*nothing ties public.members.tenant_id to the current tenant or user`
$$;
