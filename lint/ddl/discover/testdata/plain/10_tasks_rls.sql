alter table tasks enable row level security;
