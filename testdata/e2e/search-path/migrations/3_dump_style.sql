-- pg_dump sets the search path with set_config; it applies from here on.
SELECT pg_catalog.set_config('search_path', 'app', false);

-- app.tasks, not public.tasks: FORCE removed from the protected table.
ALTER TABLE tasks NO FORCE ROW LEVEL SECURITY;

SET search_path = DEFAULT;
-- public.tasks again.
ALTER TABLE tasks ADD COLUMN note text;
