-- stage00_prerequisites
ALTER DOMAIN public.posint DROP CONSTRAINT positive;
ALTER DOMAIN public.posint ADD CONSTRAINT positive CHECK ((VALUE > 0));
-- stage04_functions
ALTER DOMAIN public.even DROP CONSTRAINT even_check;
DROP FUNCTION IF EXISTS public.is_even(integer);
CREATE OR REPLACE FUNCTION public.is_even(v integer)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
AS $function$SELECT v % 2 = 0$function$
;
ALTER DOMAIN public.even ADD CONSTRAINT even_check CHECK (public.is_even(VALUE));
-- stage09_finishing
COMMENT ON CONSTRAINT even_check ON DOMAIN public.even IS 'divisible by two';
COMMENT ON CONSTRAINT positive ON DOMAIN public.posint IS 'above zero';
