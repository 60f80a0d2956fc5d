-- Skipped by the Supabase CLI: the name must be <timestamp>_name.sql.
drop table public.tasks;
