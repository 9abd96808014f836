-- stage10_drops
DROP FUNCTION IF EXISTS public.mk(public.posint, public.item);
DROP TABLE IF EXISTS public.item;
DROP FUNCTION IF EXISTS public.mks(public.posint[]);
DROP TYPE public.pair;
DROP DOMAIN public.posint;
