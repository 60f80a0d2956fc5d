CREATE TABLE orgs (id uuid PRIMARY KEY);
CREATE TABLE docs (id bigint, org_id uuid NOT NULL REFERENCES orgs (id), team_id uuid NOT NULL);
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
CREATE POLICY docs_tenant ON docs USING (org_id = current_setting('app.current_tenant')::uuid); -- want `public.docs has team column team_id but none of its policies \(docs_tenant\) constrains it`

CREATE TABLE s1 (id bigint, org_id uuid NOT NULL REFERENCES orgs (id), team_id uuid NOT NULL);
CREATE POLICY s1_team ON s1 USING (org_id = current_setting('app.current_tenant')::uuid
  AND team_id = ANY (string_to_array(current_setting('app.teams', true), ',')::uuid[]));

-- No policy at all: rls-no-policy reports it.
CREATE TABLE s2 (id bigint, org_id uuid NOT NULL REFERENCES orgs (id), team_id uuid);
