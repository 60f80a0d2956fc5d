-- Mistake: deals never get row level security, and org_id is nullable.
create table public.deals (
  id bigint generated always as identity primary key,
  org_id uuid references public.orgs (id),
  contact_id bigint not null references public.contacts (id),
  amount_cents bigint not null
);

insert into public.deals (org_id, contact_id, amount_cents)
select org_id, id, 0 from public.contacts where false;
