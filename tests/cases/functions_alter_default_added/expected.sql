-- stage04_functions
CREATE OR REPLACE FUNCTION public.f(a integer, b integer DEFAULT 2)
 RETURNS integer
 LANGUAGE sql
AS $function$SELECT 1$function$
;
-- stage05_views
CREATE OR REPLACE VIEW public.v AS
SELECT public.f(1) AS x;
