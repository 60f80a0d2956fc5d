alter table tasks enable row level security;
alter table tasks force row level security;
