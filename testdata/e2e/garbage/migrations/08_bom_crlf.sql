-- Saved by an editor on Windows: byte order mark and CRLF line ends.
CREATE TABLE bom_notes (org_id uuid NOT NULL REFERENCES orgs (id), body text);
CREATE INDEX ON bom_notes (org_id);
ALTER TABLE bom_notes ENABLE ROW LEVEL SECURITY;
