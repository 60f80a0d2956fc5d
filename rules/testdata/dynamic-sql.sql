CREATE TABLE projects (id bigint, org_id uuid NOT NULL);
DO $$ -- want `DO block \(plpgsql\)`
BEGIN
  EXECUTE 'ALTER TABLE projects DISABLE ROW LEVEL SECURITY';
END $$;
PREPARE q AS SELECT 1;
EXECUTE q; -- want "EXECUTE of prepared statement q"
