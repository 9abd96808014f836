-- stage03_columns
DROP VIEW IF EXISTS public.w;
DROP VIEW IF EXISTS public.v;
ALTER TABLE public.t ALTER COLUMN a TYPE bigint USING a::bigint;
-- stage05_views
CREATE VIEW public.v AS
SELECT a
   FROM public.t;
CREATE VIEW public.w AS
SELECT a
   FROM public.v;
