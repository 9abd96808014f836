-- stage04_functions
ALTER TABLE public.t ALTER COLUMN c DROP DEFAULT;
DROP FUNCTION IF EXISTS public.code();
CREATE OR REPLACE FUNCTION public.code()
 RETURNS character varying
 LANGUAGE sql
AS $function$ SELECT 'x'::varchar $function$
;
ALTER TABLE public.t ALTER COLUMN c SET DEFAULT public.code();
