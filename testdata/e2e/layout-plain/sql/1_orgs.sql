CREATE TABLE orgs (id uuid PRIMARY KEY, name text NOT NULL);
