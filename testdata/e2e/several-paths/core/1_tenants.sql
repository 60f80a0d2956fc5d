CREATE TABLE tenants (id uuid PRIMARY KEY, name text NOT NULL);
