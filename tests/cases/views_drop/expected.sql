-- stage10_drops
DROP VIEW IF EXISTS public.w;
DROP VIEW IF EXISTS public.v;
