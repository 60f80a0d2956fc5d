-- tenantguard:ignore-file rls-disabled staging-only fixtures, never deployed
CREATE TABLE a (org_id uuid NOT NULL); -- want-suppressed "public.a"
CREATE TABLE b (org_id uuid NOT NULL); -- want-suppressed "public.b"
