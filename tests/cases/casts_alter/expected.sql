-- stage04_functions
CREATE OR REPLACE FUNCTION public.mood_int2(public.mood)
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE
AS $function$SELECT 2$function$
;
DROP CAST (public.mood AS integer);
CREATE CAST (public.mood AS integer) WITH FUNCTION public.mood_int2(public.mood);
DROP CAST (public.mood AS text);
CREATE CAST (public.mood AS text) WITH INOUT AS ASSIGNMENT;
