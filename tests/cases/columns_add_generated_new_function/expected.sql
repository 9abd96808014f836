-- stage03_columns
CREATE OR REPLACE FUNCTION public.dbl(x integer)
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE
AS $function$SELECT x * 2$function$
;
ALTER TABLE public.t ADD COLUMN b integer GENERATED ALWAYS AS (public.dbl(a)) STORED;
