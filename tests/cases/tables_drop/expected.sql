-- stage10_drops
DROP TABLE IF EXISTS public.gone;
