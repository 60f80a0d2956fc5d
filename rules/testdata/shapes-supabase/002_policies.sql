-- ------------------------------------------------------ documents
CREATE TABLE documents (
  id bigint PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts (id),
  owner_id uuid NOT NULL,
  shared_with uuid[] NOT NULL DEFAULT '{}'
);
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;

-- Good: a SETOF helper in a sub-select.
CREATE POLICY documents_read ON documents FOR SELECT TO authenticated
  USING (account_id IN (SELECT private.my_account_ids()));
-- Good: an array helper given a constant role.
CREATE POLICY documents_insert ON documents FOR INSERT TO authenticated
  WITH CHECK (account_id = ANY (private.account_ids_with_role('member')));
-- Good: a boolean helper that receives the row's account, wrapped in
-- (SELECT ...) for speed, and bare.
CREATE POLICY documents_update ON documents FOR UPDATE TO authenticated
  USING ((SELECT private.has_account_role(account_id, 'owner')))
  WITH CHECK (private.has_account_role(account_id));
-- Good: a permission helper given the caller and the row's account.
CREATE POLICY documents_delete ON documents FOR DELETE TO authenticated
  USING (private.has_permission((SELECT auth.uid()), account_id, 'documents.delete'));
-- Bad: the same helper asked about the row's owner instead of the caller.
CREATE POLICY documents_owner_perm ON documents FOR UPDATE TO authenticated
  USING (private.has_permission(owner_id, account_id, 'documents.write')); -- want `private.has_permission\(account_id\) does not tie its argument to the current user or tenant` `policy documents_owner_perm on public.documents \(UPDATE\) lets a user write rows into another tenant`
-- Good: seat-level sharing, the current user listed in the row, the
-- uid on either side.
CREATE POLICY documents_shared ON documents FOR SELECT TO authenticated
  USING ((SELECT auth.uid()) = ANY (shared_with));
CREATE POLICY documents_own ON documents FOR DELETE TO authenticated
  USING (auth.uid() = owner_id);
CREATE POLICY documents_own_sub ON documents FOR DELETE TO authenticated
  USING ((auth.jwt() ->> 'sub')::uuid = owner_id);
-- Good: only the service role passes, and it bypasses RLS anyway.
CREATE POLICY documents_service ON documents FOR ALL
  USING ((SELECT auth.role()) = 'service_role')
  WITH CHECK (auth.jwt() ->> 'role' = 'service_role');
-- Bad: a role check every signed-in user of every account passes.
CREATE POLICY documents_signed_in ON documents FOR SELECT
  USING ((auth.jwt() ->> 'role') = 'authenticated'); -- want `policy documents_signed_in on public.documents \(SELECT, every role\) lets every tenant's rows through: USING .* checks the JWT's role claim, which is the same for every user of every tenant`
-- Bad: the unqualified account_id inside the sub-select is
-- account_members.account_id, so any membership matches every row.
CREATE POLICY documents_shadowed ON documents FOR SELECT TO authenticated
  USING (EXISTS (SELECT 1 FROM account_members WHERE account_members.account_id = account_id AND account_members.user_id = auth.uid())); -- want "`account_members.account_id = account_id` compares public.account_members.account_id with itself.*write documents.account_id"

-- ------------------------------------------------------ invoices
CREATE TABLE invoices (id bigint PRIMARY KEY, account_id uuid NOT NULL REFERENCES accounts (id), total numeric);
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;

-- Good: a helper given the caller's own id.
CREATE POLICY invoices_read ON invoices FOR SELECT TO authenticated
  USING (account_id = ANY (private.account_ids_of((SELECT auth.uid()))));
-- Bad: the same helper given somebody's fixed id.
CREATE POLICY invoices_demo ON invoices FOR SELECT TO authenticated
  USING (account_id = ANY (private.account_ids_of('6b1d2c0e-8f4a-4c55-9a3e-2d7f1e0b9c11'))); -- want `policy invoices_demo .*account_id is compared to private.account_ids_of\(.*\), which is not a trusted tenant value`
-- Good: = ANY over an ARRAY(sub-select) keyed on the caller.
CREATE POLICY invoices_array ON invoices FOR SELECT TO authenticated
  USING (account_id = ANY (ARRAY(SELECT am.account_id FROM account_members am WHERE am.user_id = (SELECT auth.uid()))));
-- Good: membership through teams, with a join.
CREATE POLICY invoices_team ON invoices FOR UPDATE TO authenticated
  USING (EXISTS (SELECT 1 FROM teams t JOIN team_members tm ON tm.team_id = t.id
                 WHERE t.account_id = invoices.account_id AND tm.user_id = (SELECT auth.uid())))
  WITH CHECK (account_id IN (SELECT t.account_id FROM teams t
                             WHERE t.id IN (SELECT tm.team_id FROM team_members tm WHERE tm.user_id = auth.uid())));
-- Bad: accounts and memberships crossed with no join: every account.
CREATE POLICY invoices_cross ON invoices FOR DELETE TO authenticated
  USING (account_id IN (SELECT a.id FROM accounts a, account_members am WHERE am.user_id = auth.uid())); -- want `the sub-select over public.accounts, public.account_members is not keyed on the current user or tenant`
-- Bad: anon is every visitor.
CREATE POLICY invoices_anon ON invoices FOR SELECT TO anon USING (true); -- want `policy invoices_anon on public.invoices \(SELECT, TO anon\)`
-- Bad: the service role, and everybody signed in with it.
CREATE POLICY invoices_mixed ON invoices FOR SELECT TO service_role, authenticated USING (true); -- want `\(SELECT, TO service_role, authenticated\)`

-- ------------------------------------------------------ claims
CREATE TABLE reports (id bigint PRIMARY KEY, account_id uuid NOT NULL REFERENCES accounts (id));
-- Good: app_metadata (set by the server) in its various spellings.
CREATE POLICY reports_claim_array ON reports FOR SELECT TO authenticated
  USING ((SELECT auth.jwt()) -> 'app_metadata' -> 'account_ids' ? account_id::text);
CREATE POLICY reports_claim_elements ON reports FOR DELETE TO authenticated
  USING (account_id::text IN (SELECT jsonb_array_elements_text(auth.jwt() -> 'app_metadata' -> 'account_ids')));
CREATE POLICY reports_claim_old ON reports FOR UPDATE TO authenticated
  USING (account_id = nullif(current_setting('request.jwt.claim.account_id', true), '')::uuid)
  WITH CHECK (account_id = (current_setting('request.jwt.claims', true)::jsonb -> 'app_metadata' ->> 'account_id')::uuid);
-- Good: a third-party auth provider's nested organisation claim.
CREATE POLICY reports_nested_claim ON reports FOR INSERT TO authenticated
  WITH CHECK (account_id::text = (SELECT auth.jwt() -> 'o' ->> 'id'));
-- Bad: user_metadata, which users edit themselves, behind the
-- (SELECT auth.jwt()) wrapper and as an array.
CREATE POLICY reports_user_meta ON reports FOR SELECT TO authenticated
  USING (account_id = ((SELECT auth.jwt()) -> 'user_metadata' ->> 'account_id')::uuid); -- want `reads \(SELECT auth.jwt\(\)\) -> 'user_metadata'` `it trusts the JWT's user_metadata claim, which users can edit themselves`
CREATE POLICY reports_user_meta_array ON reports FOR SELECT TO authenticated
  USING (auth.jwt() -> 'user_metadata' -> 'account_ids' ? account_id::text); -- want `reads auth.jwt\(\) -> 'user_metadata'` `it trusts the JWT's user_metadata claim`

-- ------------------------------------------------------ teams inside accounts
-- Good: scoped by team, and the composite foreign key pins account_id to
-- the team's account, so writes cannot leave it either.
CREATE TABLE projects (
  id bigint PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts (id),
  team_id uuid NOT NULL,
  FOREIGN KEY (account_id, team_id) REFERENCES teams (account_id, id)
);
CREATE POLICY projects_team ON projects TO authenticated
  USING (team_id IN (SELECT mt.team_id FROM private.my_teams() mt));
-- Bad for writes: without the account in the foreign key, a member can
-- file a task under their team but in another account.
CREATE TABLE tasks (
  id bigint PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts (id),
  team_id uuid NOT NULL REFERENCES teams (id)
);
CREATE POLICY tasks_team ON tasks TO authenticated
  USING (EXISTS (SELECT 1 FROM private.my_teams() mt WHERE mt.team_id = tasks.team_id)); -- want `policy tasks_team on public.tasks \(ALL\) lets a user write rows into another tenant: its USING \(used as the check.*team_id looked up in private.my_teams\(\) .* constrains the row but not account_id`

-- ------------------------------------------------------ storage-like files
CREATE TABLE files (id bigint PRIMARY KEY, account_id uuid NOT NULL REFERENCES accounts (id), path text NOT NULL);
-- Good: the account's folder, checked on the path and the column.
CREATE POLICY files_read ON files FOR SELECT TO authenticated
  USING (account_id IN (SELECT private.my_account_ids()) AND (storage.foldername(path))[1] = account_id::text);
-- Good for reads: the user's own folder (seat-level).
CREATE POLICY files_mine ON files FOR SELECT TO authenticated
  USING ((storage.foldername(path))[1] = (SELECT auth.uid())::text);
-- Bad for writes: the path is checked, account_id is not.
CREATE POLICY files_upload ON files FOR INSERT TO authenticated
  WITH CHECK ((storage.foldername(path))[1] = (SELECT auth.uid())::text); -- want `policy files_upload on public.files \(INSERT\) lets a user write rows into another tenant: its WITH CHECK .* \(computed from the row's path\) is auth.uid\(\) constrains the row but not account_id`

-- ------------------------------------------------------ restrictive
CREATE TABLE announcements (id bigint PRIMARY KEY, account_id uuid NOT NULL REFERENCES accounts (id));
-- Good: broad permissive reads narrowed by a restrictive account policy.
CREATE POLICY announcements_read ON announcements FOR SELECT TO authenticated USING (true);
CREATE POLICY announcements_account ON announcements AS RESTRICTIVE TO authenticated
  USING (account_id IN (SELECT private.my_account_ids()));
-- Bad: a permissive ALL narrowed on SELECT only: UPDATE and DELETE
-- without WHERE still reach every account, and writes are unchecked.
CREATE TABLE comments (id bigint PRIMARY KEY, account_id uuid NOT NULL REFERENCES accounts (id));
CREATE POLICY comments_all ON comments TO authenticated USING (true) WITH CHECK (true); -- want `policy comments_all on public.comments \(ALL, TO authenticated\) lets every tenant's rows through on UPDATE, DELETE \(restrictive policies cover only SELECT\)` `policy comments_all on public.comments \(ALL\) lets a user write rows into another tenant: its WITH CHECK`
CREATE POLICY comments_account ON comments AS RESTRICTIVE FOR SELECT TO authenticated
  USING (account_id IN (SELECT private.my_account_ids()));

-- ------------------------------------------------------ replaced in 003
CREATE TABLE notes (id bigint PRIMARY KEY, account_id uuid NOT NULL REFERENCES accounts (id), author_id uuid NOT NULL);
CREATE POLICY notes_read ON notes FOR SELECT USING (true);
CREATE POLICY notes_write ON notes FOR UPDATE TO authenticated
  USING (account_id IN (SELECT private.my_account_ids()));
CREATE POLICY notes_delete ON notes FOR DELETE TO authenticated
  USING (private.has_account_role(account_id, 'owner'));
