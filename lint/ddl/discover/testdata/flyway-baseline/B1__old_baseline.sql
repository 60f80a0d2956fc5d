-- B1__old_baseline
select 1;
