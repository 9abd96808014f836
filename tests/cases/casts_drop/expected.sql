-- stage10_drops
DROP CAST IF EXISTS (public.money2 AS numeric);
DROP CAST IF EXISTS (public.mood AS text);
DROP FUNCTION IF EXISTS public.money2_num(public.money2);
DROP TYPE public.money2;
