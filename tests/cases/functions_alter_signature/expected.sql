-- stage04_functions
DROP FUNCTION IF EXISTS public.f(integer);
CREATE OR REPLACE FUNCTION public.f(b integer DEFAULT 3)
 RETURNS integer
 LANGUAGE sql
AS $function$SELECT 1$function$
;
