CREATE TABLE orgs (id uuid PRIMARY KEY);
CREATE TABLE projects (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE TABLE plans (id text PRIMARY KEY);
CREATE TABLE feature_flags (name text PRIMARY KEY); -- want "public.feature_flags has no tenant column"
CREATE TEMPORARY TABLE scratch (x int);
