-- A normal file after the garbage: still linted.
CREATE TABLE orgs (id uuid PRIMARY KEY);
CREATE TABLE notes (org_id uuid NOT NULL REFERENCES orgs (id), body text);
CREATE INDEX ON notes (org_id);
