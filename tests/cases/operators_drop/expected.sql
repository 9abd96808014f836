-- stage10_drops
DROP OPERATOR IF EXISTS public.!== (integer, integer);
DROP OPERATOR IF EXISTS public.=== (integer, integer);
DROP OPERATOR IF EXISTS public.~~~ (NONE, integer);
DROP FUNCTION IF EXISTS public.int_eq3(integer, integer);
DROP FUNCTION IF EXISTS public.int_ne3(integer, integer);
DROP FUNCTION IF EXISTS public.neg3(integer);
