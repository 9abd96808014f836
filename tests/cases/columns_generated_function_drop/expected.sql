-- stage10_drops
DROP TABLE IF EXISTS public.t;
DROP FUNCTION IF EXISTS public.dbl(integer);
