CREATE TABLE notes (id bigint PRIMARY KEY, org_id uuid NOT NULL REFERENCES orgs);
