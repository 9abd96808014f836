-- stage10_drops
ALTER TABLE public.keep DROP COLUMN IF EXISTS extra;
