-- Policy shapes seen in Supabase projects and starters (basejump- and
-- makerkit-style accounts, teams inside accounts, helpers kept in a
-- private schema), written for tenantguard's fixtures. 002 holds the
-- policies, 003 a later migration that replaces and alters some.

CREATE TABLE accounts (id uuid PRIMARY KEY, name text NOT NULL);
CREATE TABLE account_members (
  account_id uuid NOT NULL REFERENCES accounts (id),
  user_id uuid NOT NULL,
  member_role text NOT NULL DEFAULT 'member',
  PRIMARY KEY (account_id, user_id)
);
CREATE TABLE teams (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts (id),
  UNIQUE (account_id, id)
);
CREATE TABLE team_members (
  team_id uuid NOT NULL REFERENCES teams (id),
  user_id uuid NOT NULL,
  PRIMARY KEY (team_id, user_id)
);

CREATE SCHEMA IF NOT EXISTS private;

-- The caller's accounts, as a set (used as `IN (SELECT ...)`).
CREATE FUNCTION private.my_account_ids() RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT am.account_id FROM public.account_members am WHERE am.user_id = (SELECT auth.uid())
$$;

-- The caller's accounts where they hold a role, as an array (used as
-- `= ANY (...)`); the role is a constant the policy passes.
CREATE FUNCTION private.account_ids_with_role(wanted text) RETURNS uuid[]
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT coalesce(array_agg(am.account_id), '{}')
  FROM public.account_members am
  WHERE am.user_id = auth.uid() AND am.member_role = wanted
$$;

-- The caller's teams, as a table (used in FROM).
CREATE FUNCTION private.my_teams() RETURNS TABLE (team_id uuid)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path TO pg_catalog, public AS $$
BEGIN
  RETURN QUERY SELECT tm.team_id FROM public.team_members tm WHERE tm.user_id = auth.uid();
END
$$;

-- basejump-style: does the caller hold a role on this account?
CREATE FUNCTION private.has_account_role(account uuid, wanted text DEFAULT NULL) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT EXISTS (
    SELECT 1 FROM public.account_members am
    WHERE am.account_id = account AND am.user_id = auth.uid()
      AND (wanted IS NULL OR am.member_role = wanted)
  )
$$;

-- makerkit-style: does this user hold this permission on this account?
-- Policies that pass it auth.uid() are scoped; the function itself, as
-- SECURITY DEFINER, answers for any user and account a caller names.
CREATE TABLE role_permissions (member_role text NOT NULL, permission text NOT NULL, PRIMARY KEY (member_role, permission));
CREATE FUNCTION private.has_permission(user_id uuid, account_id uuid, permission_name text) RETURNS boolean
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  RETURN EXISTS ( -- want `SECURITY DEFINER function private.has_permission\(uuid,uuid,text\) reads public.account_members .* filters account_id on account_id, which the caller chooses`
    SELECT 1 FROM public.account_members am
    JOIN public.role_permissions rp ON rp.member_role = am.member_role
    WHERE am.user_id = has_permission.user_id
      AND am.account_id = has_permission.account_id
      AND rp.permission = has_permission.permission_name
  );
END
$$;

-- The accounts of whichever user it is given: safe only when policies
-- pass the caller's own id. It runs with the caller's rights.
CREATE FUNCTION private.account_ids_of(p_user uuid) RETURNS uuid[]
  LANGUAGE sql STABLE AS $$
  SELECT coalesce(array_agg(am.account_id), '{}') FROM public.account_members am WHERE am.user_id = p_user
$$;
