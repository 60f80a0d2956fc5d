-- A schema that exercises every kind of object introspect reads. Role
-- names carry the prefix tg_is_ (roles are cluster-wide; the test drops
-- them).
CREATE ROLE tg_is_app LOGIN;
CREATE ROLE tg_is_reader NOLOGIN;
CREATE ROLE tg_is_bypass NOLOGIN BYPASSRLS;
GRANT tg_is_reader TO tg_is_app;

CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE SCHEMA app;
CREATE TYPE app.plan_kind AS ENUM ('free', 'paid');

CREATE TABLE app.orgs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name varchar(200) NOT NULL,
    plan app.plan_kind NOT NULL DEFAULT 'free',
    slug text GENERATED ALWAYS AS (lower(name)) STORED
);

CREATE TABLE app.projects (
    id bigserial PRIMARY KEY,
    org_id uuid NOT NULL REFERENCES app.orgs (id),
    name text,
    tags text[],
    UNIQUE (org_id, name)
);
CREATE INDEX projects_name_idx ON app.projects (name, org_id) WHERE name IS NOT NULL;
CREATE INDEX projects_lower_idx ON app.projects (lower(name), org_id) INCLUDE (tags);
ALTER TABLE app.projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.projects FORCE ROW LEVEL SECURITY;
CREATE POLICY projects_tenant ON app.projects
    USING (org_id = current_setting('app.current_tenant')::uuid)
    WITH CHECK (org_id = current_setting('app.current_tenant')::uuid);
CREATE POLICY projects_reader ON app.projects AS RESTRICTIVE FOR SELECT TO tg_is_reader, tg_is_app
    USING (EXISTS (SELECT 1 FROM app.orgs o WHERE o.id = projects.org_id));
GRANT SELECT, UPDATE, INSERT ON app.projects TO tg_is_app;
GRANT SELECT (id, name) ON app.projects TO PUBLIC;

CREATE TABLE app.tasks (
    id bigint GENERATED ALWAYS AS IDENTITY,
    org_id uuid NOT NULL,
    project_id bigint,
    title "char",
    PRIMARY KEY (org_id, id),
    FOREIGN KEY (project_id) REFERENCES app.projects (id),
    CONSTRAINT title_set CHECK (title IS NOT NULL)
);
ALTER TABLE app.tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.tasks OWNER TO tg_is_app;

CREATE TABLE app.events (
    org_id uuid NOT NULL,
    at timestamptz NOT NULL
) PARTITION BY RANGE (at);
CREATE TABLE app.events_2025 PARTITION OF app.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

CREATE TABLE app.base (id int);
CREATE TABLE app.child (extra int) INHERITS (app.base);

CREATE VIEW app.open_projects WITH (security_invoker = true) AS
    SELECT p.id, p.org_id, p.name FROM app.projects p JOIN app.orgs o ON o.id = p.org_id WHERE p.name IS NOT NULL;
CREATE VIEW app.project_names AS SELECT op.name FROM app.open_projects op;
CREATE MATERIALIZED VIEW app.project_counts AS SELECT org_id, count(*) AS n FROM app.projects GROUP BY org_id;
GRANT SELECT ON app.project_names TO tg_is_reader;

CREATE FUNCTION app.is_member(p_org uuid, OUT ok boolean) LANGUAGE sql STABLE
    AS $$ SELECT EXISTS (SELECT 1 FROM app.orgs WHERE id = p_org) $$;
CREATE FUNCTION app.org_projects(p_org uuid, p_limit int DEFAULT 10) RETURNS SETOF app.projects
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = app, pg_temp
    AS $$
BEGIN
    RETURN QUERY SELECT * FROM projects WHERE org_id = p_org LIMIT p_limit;
END
$$;
CREATE FUNCTION app.plus_one(a integer) RETURNS integer LANGUAGE sql RETURN a + 1;
CREATE FUNCTION app.kinds(k app.plan_kind[]) RETURNS int LANGUAGE sql SET search_path = '' BEGIN ATOMIC
    SELECT count(*) FROM app.orgs WHERE plan = ANY (k);
END;
CREATE PROCEDURE app.touch() LANGUAGE sql AS $$ UPDATE app.projects SET name = name $$;
CREATE FUNCTION app.count_rows(tbl text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM app.%I', tbl) INTO n;
    RETURN n;
END
$$;
CREATE TABLE app.counters (a serial, b smallserial, c bigint DEFAULT nextval('app.projects_id_seq'), d int DEFAULT 7);
