-- stage02_tables
ALTER TABLE public.t OWNER TO drift_owner_b;
ALTER TABLE public.u OWNER TO drift_owner_b;
-- stage04_functions
ALTER FUNCTION public.f() OWNER TO drift_owner_b;
-- stage09_finishing
REVOKE EXECUTE ON FUNCTION public.f() FROM drift_owner_b;
-- stage10_drops
GRANT DELETE ON TABLE public.u TO drift_owner_b;
