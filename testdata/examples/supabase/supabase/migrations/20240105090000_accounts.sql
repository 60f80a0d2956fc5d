-- Accounts (the tenants) and who belongs to them, basejump style.
CREATE TABLE public.accounts (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE public.accounts ENABLE ROW LEVEL SECURITY;

CREATE TABLE public.account_user (
    account_id  uuid NOT NULL REFERENCES public.accounts (id) ON DELETE CASCADE,
    user_id     uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    role        text NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'member')),
    PRIMARY KEY (account_id, user_id)
);
CREATE INDEX account_user_user_id_idx ON public.account_user (user_id);
ALTER TABLE public.account_user ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.account_user FORCE ROW LEVEL SECURITY;

-- Does the current user have a role on this account?
CREATE OR REPLACE FUNCTION public.has_role_on_account(account_id uuid, account_role text DEFAULT NULL)
    RETURNS boolean
    LANGUAGE sql
    SECURITY DEFINER
    SET search_path = ''
AS $$
    SELECT EXISTS (
        SELECT 1
        FROM public.account_user au
        WHERE au.user_id = (SELECT auth.uid())
          AND au.account_id = has_role_on_account.account_id
          AND (has_role_on_account.account_role IS NULL OR au.role = has_role_on_account.account_role)
    );
$$;

CREATE POLICY "members can see their accounts" ON public.accounts
    FOR SELECT TO authenticated
    USING (public.has_role_on_account(id));

CREATE POLICY "members can see their teammates" ON public.account_user
    FOR SELECT TO authenticated
    USING (public.has_role_on_account(account_id));

CREATE POLICY "owners manage members" ON public.account_user
    FOR ALL TO authenticated
    USING (public.has_role_on_account(account_id, 'owner'))
    WITH CHECK (public.has_role_on_account(account_id, 'owner'));

CREATE TABLE public.plans (
    id     text PRIMARY KEY,
    price  numeric(10, 2) NOT NULL
);
