-- stage03_columns
ALTER TABLE public.t ALTER COLUMN c DROP DEFAULT;
ALTER TABLE public.t ALTER COLUMN c TYPE character varying(10) USING c::character varying(10);
ALTER TABLE public.t ALTER COLUMN c SET NOT NULL;
-- stage04_functions
CREATE OR REPLACE FUNCTION public.code()
 RETURNS text
 LANGUAGE sql
AS $function$ SELECT 'x' $function$
;
-- stage09_finishing
ALTER TABLE public.t ALTER COLUMN c SET DEFAULT public.code();
