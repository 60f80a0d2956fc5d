-- Natural order: 10 runs after 2, so projects exists here.
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE projects FORCE ROW LEVEL SECURITY;
CREATE POLICY projects_tenant ON projects
    USING (org_id = current_setting('app.org_id')::uuid);
