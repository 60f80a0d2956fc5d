CREATE TABLE orgs (id uuid PRIMARY KEY);
CREATE TABLE members (org_id uuid NOT NULL REFERENCES orgs (id), user_id uuid NOT NULL, PRIMARY KEY (org_id, user_id));
CREATE TABLE invoices (id bigint, org_id uuid NOT NULL REFERENCES orgs (id), amount numeric);

-- No search_path, and no tenant predicate.
CREATE FUNCTION all_invoice_total() RETURNS numeric LANGUAGE sql SECURITY DEFINER AS $$ -- want `does not pin search_path`
  SELECT sum(amount) FROM invoices -- want `reads public.invoices with its owner's rights.*nothing ties public.invoices.org_id`
$$;

-- search_path pinned, but the tenant comes from the caller.
CREATE FUNCTION org_total(p_org uuid) RETURNS numeric LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$
  SELECT sum(amount) FROM public.invoices WHERE org_id = p_org -- want `filters org_id on p_org, which the caller chooses`
$$;

-- Good: pinned, and checks the caller's membership of the tenant asked for.
CREATE FUNCTION org_total_checked(p_org uuid) RETURNS numeric LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM public.members WHERE org_id = p_org AND user_id = auth.uid()) THEN
    RAISE EXCEPTION 'not a member';
  END IF;
  RETURN (SELECT sum(amount) FROM public.invoices WHERE org_id = p_org);
END
$$;

-- Good: scoped to the current tenant.
CREATE FUNCTION my_total() RETURNS numeric LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT sum(amount) FROM invoices WHERE org_id = current_setting('app.current_tenant')::uuid
$$;

-- Good: not SECURITY DEFINER (runs with the caller's rights and RLS).
CREATE FUNCTION total_invoker() RETURNS numeric LANGUAGE sql AS $$ SELECT sum(amount) FROM invoices $$;
