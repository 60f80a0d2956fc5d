-- The Supabase CLI sorts by file name, not by number: this one comes last.
alter table public.tasks force row level security;
