CREATE TABLE orgs (
  id   uuid PRIMARY KEY,
  name text NOT NULL
);

CREATE TABLE invoices (
  id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id),
  amount numeric NOT NULL
);
CREATE INDEX invoices_org_id ON invoices (org_id);
/* facturación */ ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
CREATE POLICY invoices_tenant ON invoices
  USING (org_id = current_setting('app.current_tenant')::uuid)
  WITH CHECK (org_id = current_setting('app.current_tenant')::uuid);
