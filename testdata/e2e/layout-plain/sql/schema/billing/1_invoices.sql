-- Nested folders are read too, after the top-level files (natural order
-- of the relative paths: "10_..." < "schema/...").
CREATE TABLE invoices (
    id     uuid PRIMARY KEY,
    org_id uuid NOT NULL REFERENCES orgs (id),
    total  numeric NOT NULL
);
CREATE INDEX invoices_org_id_idx ON invoices (org_id);
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
