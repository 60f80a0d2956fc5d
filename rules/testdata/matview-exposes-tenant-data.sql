CREATE TABLE orgs (id uuid PRIMARY KEY);
CREATE TABLE invoices (id bigint, org_id uuid NOT NULL REFERENCES orgs (id), amount numeric);
CREATE TABLE plans (id text PRIMARY KEY);

CREATE MATERIALIZED VIEW invoice_stats AS SELECT org_id, count(*) FROM invoices GROUP BY org_id; -- want `materialized view public.invoice_stats copies rows of tenant table public.invoices`
CREATE VIEW v AS SELECT * FROM invoices WHERE org_id = current_setting('app.current_tenant')::uuid;
CREATE MATERIALIZED VIEW through_view AS SELECT * FROM v; -- want `public.through_view copies rows of tenant table public.invoices`

CREATE MATERIALIZED VIEW plan_list AS SELECT * FROM plans;
