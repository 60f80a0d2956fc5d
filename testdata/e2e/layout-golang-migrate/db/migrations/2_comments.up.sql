CREATE TABLE comments (
    id         bigserial PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id),
    ticket_id  bigint NOT NULL REFERENCES tickets (id),
    body       text NOT NULL
);
-- Mistake: no index on account_id (FORCE comes in version 10).
ALTER TABLE comments ENABLE ROW LEVEL SECURITY;
CREATE POLICY comments_tenant ON comments
    USING (account_id = current_setting('app.account_id')::bigint);
