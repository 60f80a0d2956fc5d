CREATE TABLE orgs (id uuid PRIMARY KEY);

CREATE TABLE customers (id uuid PRIMARY KEY, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE TABLE orders (id uuid PRIMARY KEY, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE TABLE refunds (id uuid PRIMARY KEY, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE INDEX ON customers (org_id);
CREATE INDEX ON orders (org_id);
CREATE INDEX ON refunds (org_id);

ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE customers FORCE ROW LEVEL SECURITY;
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;
ALTER TABLE refunds ENABLE ROW LEVEL SECURITY;
ALTER TABLE refunds FORCE ROW LEVEL SECURITY;

CREATE POLICY customers_tenant ON customers USING (org_id = current_setting('app.org_id')::uuid);
CREATE POLICY orders_tenant ON orders USING (org_id = current_setting('app.org_id')::uuid);
CREATE POLICY refunds_tenant ON refunds USING (org_id = current_setting('app.org_id')::uuid);
