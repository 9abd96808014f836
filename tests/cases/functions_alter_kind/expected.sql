-- stage04_functions
DROP FUNCTION IF EXISTS public.f(integer);
CREATE OR REPLACE PROCEDURE public.f(IN x integer)
 LANGUAGE sql
AS $procedure$SELECT 1$procedure$
;
