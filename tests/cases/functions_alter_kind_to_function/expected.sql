-- stage04_functions
DROP PROCEDURE IF EXISTS public.f(integer);
CREATE OR REPLACE FUNCTION public.f(x integer)
 RETURNS integer
 LANGUAGE sql
AS $function$SELECT 1$function$
;
