-- stage10_drops
ALTER TABLE public.keep DROP CONSTRAINT IF EXISTS keep_p_fkey;
DROP TABLE IF EXISTS public.a_gone;
