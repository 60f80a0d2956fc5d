CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE invoices (
    id         bigint PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id),
    total      numeric NOT NULL
);
CREATE INDEX invoices_account_idx ON invoices (account_id);
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
CREATE POLICY invoices_tenant ON invoices
    USING (account_id = current_setting('app.account_id')::bigint)
    WITH CHECK (account_id = current_setting('app.account_id')::bigint);

CREATE TABLE payments (
    id         bigint PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id)
);
CREATE INDEX payments_account_idx ON payments (account_id);
