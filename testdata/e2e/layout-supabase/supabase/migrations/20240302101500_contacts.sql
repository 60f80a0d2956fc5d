create table public.contacts (
  id bigint generated always as identity primary key,
  org_id uuid not null references public.orgs (id),
  full_name text not null,
  email text
);

create index contacts_org_id_idx on public.contacts (org_id);

-- Mistake: enabled but not forced; the Edge Function connects as the owner.
alter table public.contacts enable row level security;

create policy "org members read contacts" on public.contacts
  for select to authenticated
  using (org_id in (select org_id from public.org_members where user_id = auth.uid()));
