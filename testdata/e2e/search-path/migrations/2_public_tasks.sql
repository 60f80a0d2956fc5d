-- A new session: the search_path set in 1_app_schema.sql does not leak
-- here, so this is public.tasks, a different table, and it has no RLS.
CREATE TABLE tasks (
    id     uuid PRIMARY KEY,
    org_id uuid NOT NULL REFERENCES app.orgs (id)
);
CREATE INDEX ON tasks (org_id);

-- Refers to public.tasks too: app.tasks keeps its RLS.
ALTER TABLE tasks ADD COLUMN done boolean NOT NULL DEFAULT false;
