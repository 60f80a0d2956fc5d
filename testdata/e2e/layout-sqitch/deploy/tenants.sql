-- Deploy helpdesk:tenants to pg
BEGIN;
CREATE TABLE tenants (
    id   uuid PRIMARY KEY,
    name text NOT NULL
);
COMMIT;
