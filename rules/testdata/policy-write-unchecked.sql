CREATE TABLE orgs (id uuid PRIMARY KEY);
CREATE TABLE members (org_id uuid NOT NULL REFERENCES orgs (id), user_id uuid NOT NULL, PRIMARY KEY (org_id, user_id));

-- ---------------------------------------------------------------- bad
CREATE TABLE docs (id bigint, org_id uuid NOT NULL REFERENCES orgs (id), owner_id uuid NOT NULL);
CREATE POLICY docs_read ON docs FOR SELECT USING (org_id = current_setting('app.current_tenant')::uuid);
CREATE POLICY docs_insert ON docs FOR INSERT WITH CHECK (true); -- want `policy docs_insert on public.docs \(INSERT\) lets a user write rows into another tenant: its WITH CHECK .true. does not constrain org_id`
CREATE POLICY docs_move ON docs FOR UPDATE
  USING (org_id = current_setting('app.current_tenant')::uuid)
  WITH CHECK (owner_id = auth.uid()); -- want `owner_id is auth.uid\(\) constrains the row but not org_id`

-- USING only on UPDATE is used as the check: but here USING is seat-level,
-- so a user can move their own row to another tenant.
CREATE TABLE notes (id bigint, org_id uuid NOT NULL REFERENCES orgs (id), author uuid NOT NULL);
CREATE POLICY notes_update ON notes FOR UPDATE USING (author = auth.uid()); -- want `its USING \(used as the check, since WITH CHECK is absent\)`

-- A membership check that ignores the new row's tenant.
CREATE TABLE files (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY files_write ON files FOR INSERT TO authenticated
  WITH CHECK (EXISTS (SELECT 1 FROM members WHERE user_id = auth.uid())); -- want `not to this row's tenant`

-- ------------------------------------------------------ good: silent
CREATE TABLE s1 (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY s1_all ON s1 USING (org_id = current_setting('app.current_tenant')::uuid); -- ALL: USING is the check

CREATE TABLE s2 (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY s2_insert ON s2 FOR INSERT TO authenticated
  WITH CHECK (org_id IN (SELECT org_id FROM members WHERE user_id = (SELECT auth.uid())));
CREATE POLICY s2_update ON s2 FOR UPDATE TO authenticated
  USING (EXISTS (SELECT 1 FROM members m WHERE m.org_id = s2.org_id AND m.user_id = auth.uid()));

-- No WITH CHECK on INSERT: PostgreSQL refuses every new row (not a leak).
CREATE TABLE s3 (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY s3_insert ON s3 FOR INSERT TO authenticated;

-- Service role writes anything on purpose.
CREATE TABLE s4 (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY s4_service ON s4 FOR ALL TO service_role USING (true) WITH CHECK (true);

-- A permissive write policy narrowed by a restrictive tenant check.
CREATE TABLE s5 (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY s5_insert ON s5 FOR INSERT TO authenticated WITH CHECK (true);
CREATE POLICY s5_tenant ON s5 AS RESTRICTIVE FOR ALL TO authenticated
  USING (org_id = (auth.jwt() -> 'app_metadata' ->> 'org_id')::uuid);
