-- Deploy helpdesk:tickets_rls to pg (as of @v1.1: enable only)
BEGIN;
ALTER TABLE tickets ENABLE ROW LEVEL SECURITY;
CREATE POLICY tickets_tenant ON tickets
    USING (tenant_id = current_setting('app.tenant_id')::uuid);
COMMIT;
