-- stage00_prerequisites
ALTER TABLE public.t DROP CONSTRAINT IF EXISTS t_ok;
DROP VIEW IF EXISTS public.v;
DROP FUNCTION IF EXISTS public.is_ok(public.mood);
ALTER TYPE public.mood RENAME TO mood__drift_old;
CREATE TYPE public.mood AS ENUM ('sad', 'ok');
-- stage03_columns
ALTER TABLE public.t ALTER COLUMN m TYPE public.mood USING m::text::public.mood;
-- stage04_functions
CREATE OR REPLACE FUNCTION public.is_ok(m public.mood)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
AS $function$SELECT m = 'ok'$function$
;
-- stage05_views
CREATE VIEW public.v AS
SELECT public.is_ok(m) AS ok
   FROM public.t;
-- stage08_constraints
ALTER TABLE public.t ADD CONSTRAINT t_ok CHECK ((public.is_ok(m) OR (m IS NULL)));
-- stage09_finishing
DROP TYPE public.mood__drift_old;
