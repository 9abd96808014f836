-- stage10_drops
DROP RULE IF EXISTS log_a ON public.t;
DROP RULE IF EXISTS no_delete ON public.t;
DROP VIEW IF EXISTS public.v;
DROP TABLE IF EXISTS public.log;
