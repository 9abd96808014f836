-- stage00_prerequisites
CREATE OR REPLACE FUNCTION public.is_pos(x integer)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
AS $function$SELECT x > 0$function$
;
CREATE DOMAIN public.d AS integer CONSTRAINT d_check CHECK (public.is_pos(VALUE));
