-- A later migration: notes_read is replaced by a scoped policy (so the
-- USING (true) of 002 is no longer reported), notes_write is loosened by
-- ALTER POLICY, and notes_delete is renamed.
DROP POLICY IF EXISTS notes_read ON notes;
CREATE POLICY notes_read ON notes FOR SELECT TO authenticated
  USING (account_id IN (SELECT private.my_account_ids()));
DROP POLICY IF EXISTS notes_legacy ON notes;

ALTER POLICY notes_write ON notes
  USING (author_id = auth.uid() OR auth.uid() IS NOT NULL); -- want `policy notes_write on public.notes \(UPDATE, TO authenticated\) lets every tenant's rows through: USING branch .auth.uid\(\) IS NOT NULL.` `policy notes_write on public.notes \(UPDATE\) lets a user write rows into another tenant: its USING \(used as the check`
ALTER POLICY notes_delete ON notes RENAME TO notes_owner_delete;
