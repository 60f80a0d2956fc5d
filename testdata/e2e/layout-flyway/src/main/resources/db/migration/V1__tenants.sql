CREATE TABLE tenants (
    id   uuid PRIMARY KEY,
    slug text NOT NULL
);
