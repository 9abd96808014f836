-- stage04_functions
CREATE OR REPLACE FUNCTION public.dbl(x integer)
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE
AS $function$SELECT x * 2$function$
;
-- stage07_indexes
CREATE INDEX t_dbl ON public.t USING btree (public.dbl(a));
