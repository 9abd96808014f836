-- stage00_prerequisites
ALTER TYPE public.e RENAME TO e__drift_old;
CREATE TYPE public.e AS ENUM ('b', 'a');
-- stage03_columns
ALTER TABLE public.t ALTER COLUMN x DROP DEFAULT;
ALTER TABLE public.t ALTER COLUMN x TYPE public.e USING x::text::public.e;
ALTER TABLE public.t ALTER COLUMN x SET DEFAULT 'a'::public.e;
-- stage09_finishing
DROP TYPE public.e__drift_old;
