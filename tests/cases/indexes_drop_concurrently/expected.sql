-- stage10_drops
DROP INDEX IF EXISTS public.t_a;
