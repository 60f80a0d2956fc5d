CREATE TABLE projects (id bigint, org_id uuid NOT NULL);
CREATE TABEL tasks (id bigint); -- want `syntax error at or near "TABEL"`
-- The statements after a broken one are still replayed.
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON projects USING (org_id = ); -- want `syntax error at or near "\)"`
INSERT INTO projects VALUES (1, 'not checked: data statements are not parsed' ;
