CREATE TABLE orgs (id uuid PRIMARY KEY);

CREATE TABLE docs (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY docs_coalesce ON docs
  USING (org_id = coalesce(nullif(current_setting('app.current_tenant', true), '')::uuid, org_id)); -- want `policy docs_coalesce on public.docs passes every row when app.current_tenant is not set`
CREATE POLICY docs_text ON docs FOR SELECT
  USING (org_id::text = coalesce(current_setting('app.current_tenant', true), org_id::text)); -- want `is not set`
CREATE POLICY docs_isnull ON docs FOR SELECT
  USING (current_setting('app.current_tenant', true) IS NULL OR org_id = current_setting('app.current_tenant', true)::uuid); -- want `current_setting\('app.current_tenant', true\) IS NULL`
CREATE POLICY docs_empty ON docs FOR SELECT
  USING (current_setting('app.current_tenant', true) = '' OR org_id = current_setting('app.current_tenant', true)::uuid); -- want `is set to ''`
-- An "all tenants when the list is empty" array.
CREATE POLICY docs_any ON docs FOR SELECT
  USING (cardinality(string_to_array(current_setting('app.tenants', true), ',')) = 0 -- want `app.tenants is set to ''`
         OR org_id = ANY (string_to_array(current_setting('app.tenants', true), ',')::uuid[]));

-- Good: a missing or empty tenant matches nothing (or fails).
CREATE TABLE s1 (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY s1_missing_ok ON s1 USING (org_id = current_setting('app.current_tenant', true)::uuid);
CREATE POLICY s1_nullif ON s1 FOR SELECT USING (org_id = nullif(current_setting('app.current_tenant', true), '')::uuid);
CREATE POLICY s1_strict ON s1 FOR UPDATE USING (org_id = current_setting('app.current_tenant')::uuid);
CREATE POLICY s1_array ON s1 FOR DELETE
  USING (org_id = ANY (string_to_array(current_setting('app.tenants', true), ',')::uuid[]));
