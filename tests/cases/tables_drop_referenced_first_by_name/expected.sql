-- stage10_drops
ALTER TABLE public.b_child DROP CONSTRAINT IF EXISTS b_child_p_fkey;
ALTER TABLE public.z_child DROP CONSTRAINT IF EXISTS z_child_p_fkey;
DROP TABLE IF EXISTS public.a_parent;
DROP TABLE IF EXISTS public.b_child;
DROP TABLE IF EXISTS public.z_child;
