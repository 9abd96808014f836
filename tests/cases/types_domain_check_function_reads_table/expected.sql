-- stage00_prerequisites
CREATE OR REPLACE FUNCTION public.under_limit(x integer)
 RETURNS boolean
 LANGUAGE sql
 STABLE
AS $function$SELECT x < 100 AND NOT EXISTS (SELECT FROM public.lim WHERE n < 0)$function$
;
CREATE DOMAIN public.d AS integer CONSTRAINT d_check CHECK (public.under_limit(VALUE));
-- stage02_tables
CREATE TABLE public.lim (
    n integer
);
