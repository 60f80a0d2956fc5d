-- CreateTable
CREATE TABLE "tenants" ("id" UUID NOT NULL);
