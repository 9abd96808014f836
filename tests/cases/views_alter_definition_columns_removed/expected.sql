-- stage05_views
DROP VIEW IF EXISTS public.w;
DROP VIEW IF EXISTS public.v;
CREATE VIEW public.v AS
SELECT id
   FROM public.t;
CREATE VIEW public.w AS
SELECT id
   FROM public.v;
