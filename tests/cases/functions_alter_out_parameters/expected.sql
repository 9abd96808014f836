-- stage04_functions
DROP FUNCTION IF EXISTS public.f(integer);
CREATE OR REPLACE FUNCTION public.f(a integer, OUT b integer, OUT c text)
 RETURNS record
 LANGUAGE sql
AS $function$SELECT 1, 'x'$function$
;
