CREATE TABLE orgs (id uuid PRIMARY KEY);

CREATE TABLE projects (
  id bigint PRIMARY KEY,
  org_id uuid NOT NULL -- want "no index on public.projects starts with tenant column org_id"
);

-- Indexed by a later CREATE INDEX.
CREATE TABLE tasks (id bigint PRIMARY KEY, org_id uuid NOT NULL);
CREATE INDEX CONCURRENTLY tasks_org ON tasks (org_id, id);

-- A primary key that leads with the tenant column counts.
CREATE TABLE members (org_id uuid NOT NULL, user_id uuid NOT NULL, PRIMARY KEY (org_id, user_id));

-- A unique constraint added later counts.
CREATE TABLE slugs (org_id uuid NOT NULL, slug text NOT NULL);
ALTER TABLE slugs ADD CONSTRAINT slugs_org_slug UNIQUE (org_id, slug);

-- The tenant column second does not help.
CREATE TABLE events (
  id bigint,
  account_id uuid NOT NULL, -- want "tenant column account_id"
  at timestamptz
);
CREATE INDEX events_at ON events (at, account_id);

-- A partial index covers only some rows.
CREATE TABLE files (
  id bigint,
  org_id uuid NOT NULL -- want "public.files"
);
CREATE INDEX files_live ON files (org_id) WHERE id > 0;

-- An index dropped later no longer counts.
CREATE TABLE notes (
  id bigint,
  org_id uuid NOT NULL -- want "public.notes"
);
CREATE INDEX notes_org ON notes (org_id);
DROP INDEX notes_org;

-- A renamed column keeps its index.
CREATE TABLE docs (id bigint, tenant uuid NOT NULL);
CREATE INDEX docs_tenant ON docs (tenant);
ALTER TABLE docs RENAME COLUMN tenant TO tenant_id;

-- Partitions get the parent's indexes, including ones created later.
CREATE TABLE logs (org_id uuid NOT NULL, at date) PARTITION BY RANGE (at);
CREATE TABLE logs_2024 PARTITION OF logs FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX logs_org ON logs (org_id);

-- A table attached later gets the parent's partitioned indexes.
CREATE TABLE logs_2025 (org_id uuid NOT NULL, at date);
ALTER TABLE logs ATTACH PARTITION logs_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
-- A parent without such an index gives its partitions none.
CREATE TABLE audits (org_id uuid NOT NULL, at date) PARTITION BY RANGE (at); -- want `no index on public.audits starts`
CREATE TABLE audits_2025 (org_id uuid NOT NULL, at date); -- want `no index on public.audits_2025`
ALTER TABLE audits ATTACH PARTITION audits_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
