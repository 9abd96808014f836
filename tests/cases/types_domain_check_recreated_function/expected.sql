-- stage00_prerequisites
DROP FUNCTION IF EXISTS public.is_pos(integer);
CREATE OR REPLACE FUNCTION public.is_pos(y integer)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
AS $function$SELECT y > 0$function$
;
CREATE DOMAIN public.d AS integer CONSTRAINT d_check CHECK (public.is_pos(VALUE));
