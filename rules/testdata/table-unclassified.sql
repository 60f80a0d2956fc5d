CREATE TABLE orgs (id uuid PRIMARY KEY);
CREATE TABLE projects (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE TABLE plans (id text PRIMARY KEY);
CREATE TABLE feature_flags (name text PRIMARY KEY); -- want "public.feature_flags has no tenant column"
CREATE TEMPORARY TABLE scratch (x int);

-- Prisma spells the tenant column in camelCase: say so.
CREATE TABLE "Project" ("id" TEXT NOT NULL, "organizationId" TEXT NOT NULL); -- want `public.Project has no tenant column \(.*\), but its column organizationId looks like one: if it marks the tenant, add organizationId to tenant_columns`
