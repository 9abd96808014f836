-- stage00_prerequisites
CREATE TYPE public.money2 AS (v numeric);
CREATE TYPE public.mood AS ENUM ('sad', 'happy');
-- stage04_functions
CREATE OR REPLACE FUNCTION public.money2_num(m public.money2)
 RETURNS numeric
 LANGUAGE sql
 IMMUTABLE
AS $function$SELECT ($1).v$function$
;
CREATE CAST (public.money2 AS numeric) WITH FUNCTION public.money2_num(public.money2) AS ASSIGNMENT;
CREATE CAST (public.mood AS text) WITH INOUT AS IMPLICIT;
CREATE CAST (xid AS integer) WITHOUT FUNCTION;
