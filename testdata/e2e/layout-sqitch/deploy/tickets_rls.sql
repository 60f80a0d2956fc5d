-- Deploy helpdesk:tickets_rls to pg (reworked after @v1.1: also FORCE)
BEGIN;
ALTER TABLE tickets ENABLE ROW LEVEL SECURITY;
ALTER TABLE tickets FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tickets_tenant ON tickets;
CREATE POLICY tickets_tenant ON tickets
    USING (tenant_id = current_setting('app.tenant_id')::uuid);
COMMIT;
