-- R__views
select 1;
