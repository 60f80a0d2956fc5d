-- CreateTable
CREATE TABLE "tasks" ("id" SERIAL NOT NULL, "tenant_id" UUID NOT NULL);
