-- stage04_functions
DROP INDEX IF EXISTS public.t_dbl;
DROP FUNCTION IF EXISTS public.dbl(integer);
CREATE OR REPLACE FUNCTION public.dbl(y integer)
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE
AS $function$SELECT y * 2$function$
;
-- stage07_indexes
CREATE INDEX t_dbl ON public.t USING btree (public.dbl(a));
