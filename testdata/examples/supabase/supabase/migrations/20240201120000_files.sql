-- File metadata for uploads kept in Supabase Storage.
CREATE TABLE public.files (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id  uuid NOT NULL REFERENCES public.accounts (id),
    path        text NOT NULL,
    size        bigint NOT NULL
);
CREATE INDEX files_account_id_idx ON public.files (account_id);
ALTER TABLE public.files ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.files FORCE ROW LEVEL SECURITY;

CREATE POLICY "members read files" ON public.files
    FOR SELECT TO authenticated
    USING (EXISTS (
        SELECT 1 FROM public.account_user au
        WHERE au.account_id = files.account_id AND au.user_id = (SELECT auth.uid())
    ));

-- Mistake: any logged-in user may register a file in any account.
CREATE POLICY "members upload files" ON public.files
    FOR INSERT TO authenticated
    WITH CHECK (true);

-- Storage bucket policies (storage.objects belongs to the platform).
CREATE POLICY "members read their account folder" ON storage.objects
    FOR SELECT TO authenticated
    USING (bucket_id = 'files' AND public.has_role_on_account(((storage.foldername(name))[1])::uuid));
