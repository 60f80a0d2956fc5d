CREATE TABLE orgs (id uuid PRIMARY KEY);

CREATE TABLE docs (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY docs_meta ON docs FOR SELECT TO authenticated
  USING (org_id = ((auth.jwt() -> 'user_metadata') ->> 'org_id')::uuid); -- want `policy docs_meta on public.docs reads .*user_metadata.*users can write their own user metadata`
CREATE POLICY docs_path ON docs FOR UPDATE TO authenticated
  USING (org_id = (auth.jwt() #>> '{user_metadata,org_id}')::uuid); -- want `reads auth.jwt\(\) #>> '\{user_metadata,org_id\}'`
CREATE POLICY docs_claims ON docs FOR DELETE TO authenticated
  USING (org_id = (current_setting('request.jwt.claims', true)::jsonb -> 'user_metadata' ->> 'org_id')::uuid); -- want `user_metadata`
CREATE POLICY docs_extract ON docs FOR INSERT TO authenticated
  WITH CHECK (org_id = jsonb_extract_path_text(auth.jwt(), 'user_metadata', 'org_id')::uuid); -- want `jsonb_extract_path_text`

-- raw_user_meta_data from auth.users, in a sub-select.
CREATE TABLE notes (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY notes_users ON notes FOR SELECT TO authenticated
  USING (org_id = (SELECT (raw_user_meta_data ->> 'org_id')::uuid FROM auth.users WHERE id = auth.uid())); -- want `reads auth.users.raw_user_meta_data`

-- Through a helper function, transitively.
CREATE FUNCTION meta_org() RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT (auth.jwt() -> 'user_metadata' ->> 'org_id')::uuid
$$;
CREATE FUNCTION my_org() RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT meta_org()
$$;
CREATE TABLE files (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY files_helper ON files FOR SELECT TO authenticated USING (org_id = my_org()); -- want `through public.my_org\(\) -> public.meta_org\(\)`

-- Good: app_metadata is set by the server only.
CREATE TABLE s1 (id bigint, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE POLICY s1_app ON s1 FOR SELECT TO authenticated
  USING (org_id = (auth.jwt() -> 'app_metadata' ->> 'org_id')::uuid);
CREATE POLICY s1_raw_app ON s1 FOR UPDATE TO authenticated
  USING (org_id = (SELECT (raw_app_meta_data ->> 'org_id')::uuid FROM auth.users WHERE id = auth.uid()));
