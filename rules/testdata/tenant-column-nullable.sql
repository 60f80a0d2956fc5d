CREATE TABLE orgs (id uuid PRIMARY KEY);

CREATE TABLE projects (
  id bigint PRIMARY KEY,
  org_id uuid REFERENCES orgs (id) -- want "tenant column public.projects.org_id allows NULL"
);

CREATE TABLE tasks (id bigint, org_id uuid NOT NULL);

-- NOT NULL set later.
CREATE TABLE notes (id bigint, org_id uuid);
ALTER TABLE notes ALTER COLUMN org_id SET NOT NULL;

-- NOT NULL dropped later: the finding points at the DROP.
CREATE TABLE files (id bigint, org_id uuid NOT NULL);
ALTER TABLE files ALTER COLUMN org_id DROP NOT NULL; -- want "public.files.org_id allows NULL"

-- A primary key makes its columns NOT NULL.
CREATE TABLE members (org_id uuid, user_id uuid, PRIMARY KEY (org_id, user_id));
