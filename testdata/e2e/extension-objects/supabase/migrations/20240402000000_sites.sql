CREATE TABLE public.orgs (id uuid PRIMARY KEY DEFAULT gen_random_uuid());
CREATE TABLE public.sites (
    id       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id   uuid NOT NULL REFERENCES public.orgs (id),
    owner_id uuid NOT NULL REFERENCES auth.users (id),
    location extensions.geography(Point, 4326),
    name     text NOT NULL
);
CREATE INDEX sites_org_idx ON public.sites (org_id);
CREATE INDEX sites_name_trgm ON public.sites USING gin (name gin_trgm_ops);
-- Mistake: RLS enabled, never forced.
ALTER TABLE public.sites ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members see org sites" ON public.sites
    FOR SELECT TO authenticated
    USING (org_id = (SELECT default_org FROM auth.users WHERE id = auth.uid()));
