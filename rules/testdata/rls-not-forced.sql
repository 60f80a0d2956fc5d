CREATE TABLE orgs (id uuid PRIMARY KEY);

CREATE TABLE projects (id bigint, org_id uuid NOT NULL REFERENCES orgs);
ALTER TABLE projects ENABLE ROW LEVEL SECURITY; -- want "row level security on public.projects is enabled but not forced"

CREATE TABLE tasks (id bigint, org_id uuid NOT NULL);
ALTER TABLE tasks ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;

-- Not enabled at all: rls-disabled, not this rule.
CREATE TABLE notes (id bigint, org_id uuid NOT NULL);
ALTER TABLE notes FORCE ROW LEVEL SECURITY;

-- Owner named in the message when known.
CREATE TABLE files (id bigint, org_id uuid NOT NULL);
ALTER TABLE files OWNER TO app;
ALTER TABLE files ENABLE ROW LEVEL SECURITY; -- want "its owner app"

-- NO FORCE later: rls-disabled-by-migration, not this rule.
CREATE TABLE invoices (id bigint, org_id uuid NOT NULL);
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
ALTER TABLE invoices NO FORCE ROW LEVEL SECURITY;
