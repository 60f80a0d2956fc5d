CREATE TABLE orgs (id uuid PRIMARY KEY);
CREATE TABLE docs (id bigint PRIMARY KEY, org_id uuid NOT NULL REFERENCES orgs);
CREATE INDEX ON docs (org_id);
