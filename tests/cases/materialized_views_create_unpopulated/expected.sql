-- stage05_views
CREATE MATERIALIZED VIEW public.empty AS
SELECT a
   FROM public.t
WITH NO DATA;
CREATE MATERIALIZED VIEW public.filled AS
SELECT a
   FROM public.t;
