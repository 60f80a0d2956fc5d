-- Quoted identifiers keep their case and spaces; unquoted ones fold to
-- lower case, as in PostgreSQL.
CREATE TABLE "Organizations" (
    "id"   uuid PRIMARY KEY,
    "Name" text NOT NULL
);

CREATE TABLE "Org Members" (
    "org_id"  uuid NOT NULL REFERENCES "Organizations" ("id"),
    "User Id" uuid NOT NULL,
    PRIMARY KEY ("org_id", "User Id")
);
-- Mistake: enabled, not forced.
ALTER TABLE "Org Members" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Members see their org" ON "Org Members"
    USING ("org_id" = current_setting('app.org_id')::uuid);

-- Not the same table: unquoted names fold to org_members, which does not
-- exist (tolerated; a note with --verbose).
ALTER TABLE Org_Members FORCE ROW LEVEL SECURITY;

-- "ORG_ID" is not the tenant column org_id: names are case-sensitive.
CREATE TABLE "Audit" ("ORG_ID" uuid, "Line" text);

-- Unquoted mixed case folds: this is public.feature_flags.
CREATE TABLE Feature_Flags (Org_Id uuid NOT NULL, Flag text NOT NULL);
CREATE INDEX ON FEATURE_FLAGS (ORG_ID);
ALTER TABLE "feature_flags" ENABLE ROW LEVEL SECURITY;
ALTER TABLE feature_flags FORCE ROW LEVEL SECURITY;
CREATE POLICY flags_tenant ON feature_flags USING (org_id = current_setting('app.org_id')::uuid);
