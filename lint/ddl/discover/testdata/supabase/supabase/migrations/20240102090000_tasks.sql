create table public.tasks (
  id bigint generated always as identity primary key,
  tenant_id uuid not null references public.tenants (id),
  title text not null
);
alter table public.tasks enable row level security;
