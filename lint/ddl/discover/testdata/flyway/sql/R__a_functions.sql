-- R__a_functions
select 1;
