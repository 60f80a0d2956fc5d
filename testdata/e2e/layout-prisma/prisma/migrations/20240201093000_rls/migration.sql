-- Written by hand (prisma migrate dev --create-only): Prisma has no RLS syntax.
ALTER TABLE "Project" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Project" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Project"
    USING ("tenant_id" = current_setting('app.tenant_id'));
