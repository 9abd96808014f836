-- stage04_functions
ALTER TABLE public.t DROP COLUMN y;
ALTER DOMAIN public.small DROP CONSTRAINT under_twice_ten;
DROP FUNCTION IF EXISTS public.twice(integer);
CREATE OR REPLACE FUNCTION public.twice(n integer)
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE
AS $function$SELECT n * 2$function$
;
ALTER TABLE public.t ADD COLUMN y integer GENERATED ALWAYS AS (public.twice(x)) STORED;
ALTER DOMAIN public.small ADD CONSTRAINT under_twice_ten CHECK ((public.twice(VALUE) < 20));
