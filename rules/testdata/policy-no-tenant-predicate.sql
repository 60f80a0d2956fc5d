CREATE TABLE orgs (id uuid PRIMARY KEY);
CREATE TABLE members (
  org_id uuid NOT NULL REFERENCES orgs (id),
  user_id uuid NOT NULL,
  role text NOT NULL DEFAULT 'member',
  PRIMARY KEY (org_id, user_id)
);

-- ---------------------------------------------------------------- bad
CREATE TABLE docs (id bigint, org_id uuid NOT NULL REFERENCES orgs (id), owner_id uuid, is_public boolean);
CREATE POLICY docs_all ON docs USING (true); -- want `policy docs_all on public.docs \(ALL, every role\) lets every tenant's rows through: USING .true. does not tie org_id to the current tenant \(it is always true\)`
CREATE POLICY docs_authenticated ON docs FOR SELECT TO authenticated
  USING (auth.role() = 'authenticated'); -- want `auth.role\(\), which is the same for every user of every tenant`
CREATE POLICY docs_any_member ON docs FOR SELECT
  USING (EXISTS (SELECT 1 FROM members m WHERE m.user_id = auth.uid())); -- want `belongs to some tenant in public.members, not to this row's tenant`
CREATE POLICY docs_literal ON docs FOR SELECT
  USING (org_id = '7f1c3c4e-1f0e-4a51-9d3b-6a2f1a9b8c01'); -- want `compares org_id to a constant`
CREATE POLICY docs_or_public ON docs FOR SELECT
  USING (org_id = current_setting('app.current_tenant')::uuid OR is_public); -- want "USING branch `is_public`"
CREATE POLICY docs_lookup_any ON docs FOR DELETE
  USING (org_id IN (SELECT id FROM orgs)); -- want `not keyed on the current user or tenant`
CREATE POLICY docs_self_compare ON docs FOR UPDATE
  USING (org_id = org_id); -- want `compares the row's own columns`

-- A helper defined in the migrations whose body does not check the user.
CREATE FUNCTION org_exists(o uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM orgs WHERE id = o)
$$;
CREATE TABLE notes (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY notes_exists ON notes FOR SELECT USING (org_exists(org_id)); -- want `org_exists\(org_id\) does not tie its argument to the current user or tenant`

-- ------------------------------------------------------ good: silent
CREATE TABLE s1 (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY s1_setting ON s1 USING (org_id = nullif(current_setting('app.current_tenant', true), '')::uuid);

CREATE TABLE s2 (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY s2_member_in ON s2 FOR SELECT TO authenticated
  USING (org_id IN (SELECT m.org_id FROM members m WHERE m.user_id = (SELECT auth.uid())));

CREATE TABLE s3 (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY s3_member_exists ON s3 FOR SELECT TO authenticated
  USING (EXISTS (SELECT 1 FROM members m WHERE m.org_id = s3.org_id AND m.user_id = auth.uid()));

CREATE TABLE s4 (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY s4_app_metadata ON s4 FOR SELECT TO authenticated
  USING (org_id = ((auth.jwt() -> 'app_metadata') ->> 'org_id')::uuid);
CREATE POLICY s4_custom_claim ON s4 FOR SELECT TO authenticated
  USING (org_id = (auth.jwt() ->> 'org_id')::uuid);
CREATE POLICY s4_claims_setting ON s4 FOR SELECT TO authenticated
  USING (org_id = (current_setting('request.jwt.claims', true)::jsonb ->> 'org_id')::uuid);

CREATE TABLE s5 (id bigint, org_id uuid NOT NULL REFERENCES orgs (id), user_id uuid NOT NULL);
CREATE POLICY s5_own_rows ON s5 FOR SELECT TO authenticated USING (user_id = (SELECT auth.uid()));

CREATE TABLE s6 (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY s6_service ON s6 TO service_role USING (true) WITH CHECK (true);

-- A broad permissive policy under a restrictive tenant policy.
CREATE TABLE s7 (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY s7_read ON s7 FOR SELECT TO authenticated USING (true);
CREATE POLICY s7_tenant ON s7 AS RESTRICTIVE FOR ALL TO authenticated
  USING (org_id IN (SELECT org_id FROM members WHERE user_id = auth.uid()));

-- basejump-style account helper, defined in the migrations.
CREATE SCHEMA basejump;
CREATE TABLE basejump.accounts (id uuid PRIMARY KEY, name text);
CREATE TABLE basejump.account_user (
  user_id uuid NOT NULL,
  account_id uuid NOT NULL REFERENCES basejump.accounts (id),
  account_role text NOT NULL,
  PRIMARY KEY (user_id, account_id)
);
CREATE OR REPLACE FUNCTION basejump.has_role_on_account(account_id uuid, account_role text DEFAULT NULL)
  RETURNS boolean LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
SELECT EXISTS (
  SELECT 1 FROM basejump.account_user wu
  WHERE wu.user_id = auth.uid()
    AND wu.account_id = has_role_on_account.account_id
    AND (wu.account_role = has_role_on_account.account_role OR has_role_on_account.account_role IS NULL)
);
$$;
CREATE TABLE s8 (id bigint, account_id uuid NOT NULL REFERENCES basejump.accounts (id));
CREATE POLICY s8_account ON s8 FOR SELECT TO authenticated USING (basejump.has_role_on_account(account_id));
-- basejump's own spelling: helper(...) = true, also wrapped in a sub-select.
CREATE POLICY s8_true ON s8 FOR SELECT TO authenticated USING (basejump.has_role_on_account(account_id) = true);
CREATE POLICY s8_select_true ON s8 FOR SELECT TO authenticated USING ((SELECT basejump.has_role_on_account(account_id)) = true);
CREATE POLICY s8_not_false ON s8 FOR SELECT TO authenticated USING (basejump.has_role_on_account(account_id) <> false);
-- IS DISTINCT FROM false also passes when the helper returns NULL.
CREATE POLICY s8_distinct ON s8 FOR SELECT TO authenticated USING (basejump.has_role_on_account(account_id) IS DISTINCT FROM false); -- want `policy s8_distinct on public.s8`

-- A PL/pgSQL helper.
CREATE FUNCTION is_org_member(p_org uuid) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
DECLARE
  found_member boolean;
BEGIN
  SELECT true INTO found_member FROM members WHERE org_id = p_org AND user_id = auth.uid();
  RETURN coalesce(found_member, false);
END
$$;
CREATE TABLE s9 (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY s9_member ON s9 FOR SELECT USING (is_org_member(org_id));

-- A helper that is not in the files (platform or extension): trusted.
CREATE TABLE s10 (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY s10_private ON s10 FOR SELECT USING (private.is_org_member(org_id));

-- A helper returning the current tenant.
CREATE FUNCTION current_org() RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT current_setting('app.current_tenant')::uuid
$$;
CREATE TABLE s11 (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY s11_current ON s11 USING (org_id = current_org());

-- A child table scoped through its parent (fk-crosses-tenants covers the FK).
CREATE TABLE projects (id bigint PRIMARY KEY, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE TABLE tasks (id bigint, org_id uuid NOT NULL REFERENCES orgs (id), project_id bigint REFERENCES projects (id));
CREATE POLICY tasks_via_project ON tasks FOR SELECT USING (
  EXISTS (SELECT 1 FROM projects p WHERE p.id = tasks.project_id
          AND p.org_id IN (SELECT org_id FROM members WHERE user_id = auth.uid())));

-- The current user on the left of IN.
CREATE TABLE s12 (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY s12_reverse_in ON s12 FOR SELECT TO authenticated
  USING ((SELECT auth.uid()) IN (SELECT m.user_id FROM members m WHERE m.org_id = s12.org_id));
CREATE TABLE docs2 (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY docs2_reverse_any ON docs2 FOR SELECT TO authenticated
  USING (auth.uid() IN (SELECT user_id FROM members)); -- want `checks that the current user appears in public.members, not that they belong to this row's tenant`

-- The membership table itself: seat-level and same-tenant reads.
CREATE POLICY members_self ON members FOR SELECT USING (user_id = auth.uid());
CREATE POLICY members_same_org ON members FOR SELECT
  USING (org_id IN (SELECT m.org_id FROM members m WHERE m.user_id = auth.uid()));
