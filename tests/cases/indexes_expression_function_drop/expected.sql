-- stage10_drops
DROP INDEX IF EXISTS public.t_dbl;
DROP FUNCTION IF EXISTS public.dbl(integer);
