-- stage00_prerequisites
DROP FUNCTION IF EXISTS public.label_of(public.mood);
ALTER TYPE public.mood RENAME TO mood__drift_old;
CREATE TYPE public.mood AS ENUM ('sad', 'ok');
-- stage03_columns
ALTER TABLE public.t ALTER COLUMN m TYPE public.mood USING m::text::public.mood;
-- stage04_functions
CREATE OR REPLACE FUNCTION public.label_of(m public.mood)
 RETURNS text
 LANGUAGE sql
AS $function$SELECT m::text$function$
;
-- stage09_finishing
DROP TYPE public.mood__drift_old;
