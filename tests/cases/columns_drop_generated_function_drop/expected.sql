-- stage10_drops
ALTER TABLE public.t DROP COLUMN IF EXISTS b;
DROP FUNCTION IF EXISTS public.dbl(integer);
