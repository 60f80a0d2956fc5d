-- Organizations are the tenants; members belong to one or more of them.
create table public.orgs (
  id uuid primary key default gen_random_uuid(),
  name text not null
);

create table public.org_members (
  org_id uuid not null references public.orgs (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null default 'member',
  primary key (org_id, user_id)
);

alter table public.org_members enable row level security;
alter table public.org_members force row level security;

create policy "members see their orgs" on public.org_members
  for select to authenticated
  using (user_id = auth.uid());
