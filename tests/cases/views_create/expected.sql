-- stage05_views
CREATE VIEW public.v AS
SELECT id,
    a
   FROM public.t;
CREATE VIEW public.w AS
SELECT id
   FROM public.v;
