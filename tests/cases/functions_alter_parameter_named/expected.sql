-- stage04_functions
CREATE OR REPLACE FUNCTION public.f(a integer)
 RETURNS integer
 LANGUAGE sql
AS $function$SELECT 1$function$
;
