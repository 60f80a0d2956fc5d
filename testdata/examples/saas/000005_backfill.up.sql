-- Backfill project names. Mistake: RLS is switched off to let the UPDATE
-- through and never switched back on.
ALTER TABLE projects DISABLE ROW LEVEL SECURITY;
UPDATE projects SET name = trim(name);

-- Grant the application what it needs.
GRANT SELECT, INSERT, UPDATE, DELETE ON projects, tasks, invoices, attachments, memberships TO app_user;
GRANT SELECT ON plans TO app_user;
