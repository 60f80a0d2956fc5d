-- The tenant root is not tenant-scoped.
CREATE TABLE orgs (id uuid PRIMARY KEY, name text);

CREATE TABLE projects ( -- want `tenant table public.projects \(tenant column org_id\) does not enable row level security`
  id bigint PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs (id)
);

CREATE TABLE tasks (id bigint, org_id uuid NOT NULL);
ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;

-- Not a tenant table: no tenant column.
CREATE TABLE plans (id text PRIMARY KEY);

-- search_path decides the schema; quoted names keep their case.
CREATE SCHEMA billing;
SET search_path = billing, public;
CREATE TABLE "Invoices" (id bigint, "org_id" uuid NOT NULL); -- want `tenant table billing.Invoices`
ALTER TABLE public.tasks DISABLE ROW LEVEL SECURITY;
RESET search_path;

-- A table renamed after creation is reported under its final name.
CREATE TABLE tmp_events (id bigint, account_id uuid); -- want "public.events"
ALTER TABLE tmp_events RENAME TO events;

-- A table that gains its tenant column later is a tenant table.
CREATE TABLE comments (id bigint); -- want "public.comments"
ALTER TABLE comments ADD COLUMN workspace_id uuid;

-- A dropped table is not reported.
CREATE TABLE old_stuff (org_id uuid);
DROP TABLE old_stuff;

-- Partitions are tables of their own.
CREATE TABLE measurements (org_id uuid NOT NULL, at date) PARTITION BY RANGE (at);
ALTER TABLE measurements ENABLE ROW LEVEL SECURITY;
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01'); -- want "partition public.measurements_2024 of public.measurements"

-- Temporary work tables in a DO block are not seen: dynamic-sql reports it.
-- Tables in platform schemas (Supabase's auth, storage) are not checked.
CREATE SCHEMA IF NOT EXISTS storage;
CREATE TABLE storage.objects (id uuid, org_id uuid);

-- A backup or backfill copy is a new table: no RLS, no policies.
CREATE TABLE projects_backup AS SELECT * FROM projects; -- want `tenant table public.projects_backup`
CREATE TABLE projects_slim (id, tenant) AS SELECT p.id, p.org_id FROM projects p;
CREATE TABLE projects_copy AS SELECT p.* FROM projects p JOIN orgs o ON o.id = p.org_id; -- want `tenant table public.projects_copy`
SELECT * INTO projects_snapshot FROM projects; -- want `tenant table public.projects_snapshot`
SELECT * INTO TEMP projects_scratch FROM projects;
