-- stage10_drops
ALTER TABLE public.t DROP CONSTRAINT IF EXISTS t_pos;
DROP FUNCTION IF EXISTS public.is_pos(integer);
