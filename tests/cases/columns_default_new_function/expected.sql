-- stage02_tables
CREATE TABLE public.n (
    code text,
    plain text DEFAULT upper('x'::text)
);
-- stage03_columns
ALTER TABLE public.t ADD COLUMN code text;
-- stage04_functions
CREATE OR REPLACE FUNCTION public.next_code()
 RETURNS text
 LANGUAGE sql
AS $function$ SELECT 'c' $function$
;
-- stage09_finishing
ALTER TABLE public.n ALTER COLUMN code SET DEFAULT public.next_code();
ALTER TABLE public.t ALTER COLUMN code SET DEFAULT public.next_code();
