-- B2__baseline
select 1;
