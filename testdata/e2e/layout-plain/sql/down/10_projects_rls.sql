-- Folders named down/ are skipped.
ALTER TABLE projects DISABLE ROW LEVEL SECURITY;
