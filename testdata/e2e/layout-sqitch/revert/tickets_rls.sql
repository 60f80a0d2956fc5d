-- Revert helpdesk:tickets_rls from pg: never replayed.
BEGIN;
ALTER TABLE tickets NO FORCE ROW LEVEL SECURITY;
COMMIT;
