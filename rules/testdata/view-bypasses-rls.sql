CREATE TABLE orgs (id uuid PRIMARY KEY);
CREATE TABLE invoices (id bigint, org_id uuid NOT NULL REFERENCES orgs (id), amount numeric);
CREATE TABLE plans (id text PRIMARY KEY);

CREATE VIEW invoice_totals AS SELECT org_id, sum(amount) AS total FROM invoices GROUP BY org_id; -- want `view public.invoice_totals reads tenant table public.invoices but runs with its owner's rights`

-- Through another view.
CREATE VIEW big_invoices WITH (security_invoker = true) AS SELECT * FROM invoices WHERE amount > 1000;
CREATE VIEW big_invoice_count AS SELECT count(*) FROM big_invoices; -- want `public.big_invoice_count reads tenant table public.invoices`

-- Switched off later.
CREATE VIEW v_off WITH (security_invoker = true) AS SELECT * FROM invoices;
ALTER VIEW v_off SET (security_invoker = false); -- want `public.v_off`

-- Good: security_invoker, set at creation or later.
CREATE VIEW s1 WITH (security_invoker) AS SELECT * FROM invoices;
CREATE VIEW s2 AS SELECT * FROM invoices;
ALTER VIEW s2 SET (security_invoker = on);
-- Good: a view over shared tables only.
CREATE VIEW s3 AS SELECT * FROM plans;
-- Good: the view filters by the current tenant itself.
CREATE VIEW s4 AS SELECT * FROM invoices WHERE org_id = current_setting('app.current_tenant')::uuid;
