-- stage10_drops
DROP OPERATOR CLASS IF EXISTS public."Rev Ops" USING btree;
DROP OPERATOR CLASS IF EXISTS public.oc USING hash;
DROP OPERATOR FAMILY IF EXISTS public.fam USING btree;
DROP OPERATOR FAMILY IF EXISTS public.oc USING hash;
DROP OPERATOR IF EXISTS public.=== (integer, integer);
DROP FUNCTION IF EXISTS public.int_eq3(integer, integer);
