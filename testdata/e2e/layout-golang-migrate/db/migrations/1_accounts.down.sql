-- Never replayed: applied after the up file it would drop everything.
ALTER TABLE tickets DISABLE ROW LEVEL SECURITY;
DROP TABLE tickets;
DROP TABLE accounts;
