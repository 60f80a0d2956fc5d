-- Deploy helpdesk:notes to pg
-- Mistake: notes get RLS but no policy, and no index on tenant_id.
BEGIN;
CREATE TABLE notes (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    ticket_id bigint NOT NULL REFERENCES tickets (id),
    body      text NOT NULL
);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE notes FORCE ROW LEVEL SECURITY;
COMMIT;
