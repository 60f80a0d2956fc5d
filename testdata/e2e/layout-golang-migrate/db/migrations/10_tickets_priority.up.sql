-- Version 10 runs after version 2 (numeric order, not byte order): it
-- forces RLS on comments, created in version 2.
ALTER TABLE tickets ADD COLUMN priority int NOT NULL DEFAULT 0;
ALTER TABLE comments FORCE ROW LEVEL SECURITY;
