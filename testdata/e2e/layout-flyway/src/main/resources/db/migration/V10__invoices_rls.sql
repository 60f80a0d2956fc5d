-- Depends on V2 (invoices): Flyway runs V10 after V2 because versions
-- compare as numbers. Replayed in byte order ("V10" < "V2") this would
-- alter a table that does not exist yet.
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
CREATE POLICY invoices_tenant ON invoices
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
