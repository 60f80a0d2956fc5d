-- Objects from extensions and from the platform (Supabase's auth and
-- storage schemas) are not created by these files: statements on them are
-- tolerated, and listed as notes with --verbose.
CREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA extensions;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE auth.users ADD COLUMN IF NOT EXISTS default_org uuid;
ALTER TABLE storage.objects ENABLE ROW LEVEL SECURITY;
CREATE POLICY "org members read files" ON storage.objects
    FOR SELECT TO authenticated USING (bucket_id = 'org-files');
ALTER TABLE IF EXISTS spatial_ref_sys ENABLE ROW LEVEL SECURITY;
ALTER TABLE spatial_ref_sys OWNER TO postgres;
GRANT SELECT ON spatial_ref_sys TO anon;
CREATE INDEX IF NOT EXISTS users_default_org_idx ON auth.users (default_org);
COMMENT ON TABLE auth.users IS 'managed by Supabase Auth';
