CREATE TABLE t (org_id uuid NOT NULL);
