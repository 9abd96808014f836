-- stage00_prerequisites
ALTER TYPE public.mood ADD VALUE 'c' AFTER 'a';
-- stage03_columns
DROP VIEW IF EXISTS public.v;
ALTER TABLE public.t ALTER COLUMN n TYPE character varying(20) USING n::character varying(20);
ALTER TABLE public.t ALTER COLUMN n DROP NOT NULL;
-- stage04_functions
CREATE OR REPLACE FUNCTION public.f(x integer)
 RETURNS integer
 LANGUAGE sql
AS $function$SELECT x + 1$function$
;
-- stage05_views
CREATE VIEW public.v AS
SELECT id,
    n
   FROM public.t;
-- stage07_indexes
CREATE INDEX t_q ON public.t USING btree (q) WHERE (q > 0);
