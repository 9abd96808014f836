-- stage04_functions
CREATE OR REPLACE FUNCTION public.zz_add_len(state integer, t text)
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE
AS $function$ SELECT state + length(t) $function$
;
CREATE AGGREGATE public.total_len(text) (SFUNC = public.zz_add_len, STYPE = integer, INITCOND = '0');
