-- Mistake: a SECURITY DEFINER report that trusts the account id it is given.
CREATE OR REPLACE FUNCTION public.account_revenue(p_account uuid)
    RETURNS numeric
    LANGUAGE sql
    SECURITY DEFINER
    SET search_path = ''
AS $$
    SELECT coalesce(sum(amount), 0) FROM public.invoices WHERE account_id = p_account;
$$;

-- Fine: the same report, checking the caller's membership first.
CREATE OR REPLACE FUNCTION public.my_account_revenue(p_account uuid)
    RETURNS numeric
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = ''
AS $$
BEGIN
    IF NOT public.has_role_on_account(p_account) THEN
        RAISE EXCEPTION 'not a member of account %', p_account;
    END IF;
    RETURN (SELECT coalesce(sum(amount), 0) FROM public.invoices WHERE account_id = p_account);
END;
$$;

-- Mistake: materialized views have no RLS, and Supabase exposes public
-- to the API roles.
CREATE MATERIALIZED VIEW public.account_stats AS
    SELECT account_id, count(*) AS invoices, sum(amount) AS revenue
    FROM public.invoices GROUP BY account_id;

GRANT SELECT ON public.plans TO anon;
