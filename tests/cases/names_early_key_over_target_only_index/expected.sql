-- stage05_views
DROP INDEX public.t_key;
ALTER TABLE public.t ADD CONSTRAINT t_key PRIMARY KEY (id);
CREATE VIEW public.v AS
SELECT id,
    n
   FROM public.t
  GROUP BY id;
