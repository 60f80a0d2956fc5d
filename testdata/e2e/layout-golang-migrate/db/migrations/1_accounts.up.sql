CREATE TABLE accounts (
    id   bigserial PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE tickets (
    id         bigserial PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id),
    subject    text NOT NULL
);
CREATE INDEX tickets_account_id_idx ON tickets (account_id);
ALTER TABLE tickets ENABLE ROW LEVEL SECURITY;
ALTER TABLE tickets FORCE ROW LEVEL SECURITY;
CREATE POLICY tickets_tenant ON tickets
    USING (account_id = current_setting('app.account_id')::bigint);
