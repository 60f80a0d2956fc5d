ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
CREATE POLICY docs_tenant ON docs
    USING (org_id = current_setting('app.current_tenant')::uuid
ALTER TABLE docs FORCE ROW LEVEL SECURITY;
