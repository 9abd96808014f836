-- stage00_prerequisites
CREATE TYPE public.lvl AS ENUM ('low', 'high');
CREATE OR REPLACE FUNCTION public.not_low(x public.lvl)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
AS $function$SELECT x <> 'low'$function$
;
CREATE DOMAIN public.hl AS public.lvl CONSTRAINT hl_check CHECK (public.not_low(VALUE));
