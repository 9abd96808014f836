-- stage04_functions
DROP VIEW IF EXISTS public.v;
DROP FUNCTION IF EXISTS public.f();
CREATE OR REPLACE FUNCTION public.f()
 RETURNS bigint
 LANGUAGE sql
AS $function$SELECT 1::bigint$function$
;
-- stage05_views
CREATE VIEW public.v AS
SELECT public.f() AS x;
