-- stage10_drops
DROP DOMAIN public.d;
DROP FUNCTION IF EXISTS public.is_pos(integer);
