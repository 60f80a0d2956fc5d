CREATE UNIQUE INDEX tenants_slug_key ON tenants (slug);
