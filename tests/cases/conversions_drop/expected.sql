-- stage10_drops
DROP CONVERSION IF EXISTS public.latin_utf;
