-- A plugin's migrations run after core (PATHs are replayed in the order
-- given), so users and tenants exist here.
CREATE TABLE leads (
    id        uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    owner_id  uuid REFERENCES users (id)
);
CREATE INDEX leads_tenant_idx ON leads (tenant_id);
ALTER TABLE leads ENABLE ROW LEVEL SECURITY;
-- Mistake: FORCE forgotten.
CREATE POLICY leads_tenant ON leads USING (tenant_id = current_setting('app.tenant')::uuid);
