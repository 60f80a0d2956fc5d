CREATE TABLE projects (id bigint, org_id uuid NOT NULL);
ALTER TABLE projects ENABLE ROW LEVEL SECURITY; -- want "public.projects has row level security on but no policy"

CREATE TABLE tasks (id bigint, org_id uuid NOT NULL);
ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
CREATE POLICY tasks_tenant ON tasks USING (org_id = current_setting('app.current_tenant')::uuid);

CREATE TABLE notes (id bigint, org_id uuid NOT NULL);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY; -- want "only restrictive policies"
CREATE POLICY notes_tenant ON notes AS RESTRICTIVE USING (org_id = current_setting('app.current_tenant')::uuid);

-- A policy dropped later leaves the table without one.
CREATE TABLE files (id bigint, org_id uuid NOT NULL);
ALTER TABLE files ENABLE ROW LEVEL SECURITY; -- want "public.files has row level security on but no policy"
CREATE POLICY files_tenant ON files USING (org_id = current_setting('app.current_tenant')::uuid);
DROP POLICY files_tenant ON files;

-- RLS off: rls-disabled reports it.
CREATE TABLE events (id bigint, org_id uuid NOT NULL);
