-- A single file after the folders: drops the FORCE again.
ALTER TABLE users NO FORCE ROW LEVEL SECURITY;
