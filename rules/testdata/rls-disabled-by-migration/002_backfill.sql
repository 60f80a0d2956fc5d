ALTER TABLE projects DISABLE ROW LEVEL SECURITY; -- want "disables row level security on tenant table public.projects"
UPDATE projects SET org_id = org_id;

ALTER TABLE tasks NO FORCE ROW LEVEL SECURITY; -- want "removes FORCE ROW LEVEL SECURITY from tenant table public.tasks"

-- Switched off and back on: fine.
ALTER TABLE notes DISABLE ROW LEVEL SECURITY;
UPDATE notes SET org_id = org_id;
