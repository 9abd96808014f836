-- stage00_prerequisites
CREATE TYPE public.pair AS (a integer, b integer);
CREATE DOMAIN public.posint AS integer CONSTRAINT posint_check CHECK ((VALUE > 0));
-- stage02_tables
CREATE TABLE public.item (
    id integer
);
-- stage04_functions
CREATE OR REPLACE FUNCTION public.mk(x public.posint, i public.item)
 RETURNS public.pair
 LANGUAGE sql
AS $function$SELECT ROW(x, i.id)::public.pair$function$
;
CREATE OR REPLACE FUNCTION public.mks(xs public.posint[])
 RETURNS public.pair[]
 LANGUAGE sql
AS $function$SELECT ARRAY[]::public.pair[]$function$
;
