CREATE TABLE orgs (id uuid PRIMARY KEY);
CREATE TABLE members (org_id uuid NOT NULL REFERENCES orgs (id), email text NOT NULL);
CREATE INDEX ON members (org_id);
