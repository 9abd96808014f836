-- stage10_drops
ALTER TABLE public.t DROP COLUMN IF EXISTS b;
DROP COLLATION public.posix_c;
