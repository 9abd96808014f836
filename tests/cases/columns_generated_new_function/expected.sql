-- stage02_tables
CREATE OR REPLACE FUNCTION public.dbl(x integer)
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE
AS $function$SELECT x * 2$function$
;
CREATE TABLE public.t (
    a integer,
    b integer GENERATED ALWAYS AS (public.dbl(a)) STORED
);
