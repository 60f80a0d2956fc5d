CREATE TABLE invoices (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      uuid NOT NULL REFERENCES organizations (id),
    number      text NOT NULL,
    amount      numeric(12, 2) NOT NULL,
    issued_at   date NOT NULL DEFAULT current_date
);
CREATE INDEX invoices_org_id_idx ON invoices (org_id, issued_at);
-- Mistake: enabled, never forced. The application connects as the owner
-- in the billing worker, so the policy is never checked there.
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
CREATE POLICY invoices_tenant ON invoices
    USING (org_id = current_setting('app.current_tenant')::uuid)
    WITH CHECK (org_id = current_setting('app.current_tenant')::uuid);

-- Mistake: attachments were added in a hurry: nullable tenant column, no
-- index on it, and no row level security at all.
CREATE TABLE attachments (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      uuid REFERENCES organizations (id),
    invoice_id  bigint NOT NULL REFERENCES invoices (id),
    path        text NOT NULL
);

INSERT INTO plans (id, price) VALUES ('free', 0), ('team', 49), ('enterprise', 499);
