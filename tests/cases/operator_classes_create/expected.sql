-- stage04_functions
CREATE OR REPLACE FUNCTION public.int_eq3(integer, integer)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
AS $function$SELECT $1 = $2$function$
;
CREATE OPERATOR public.=== (FUNCTION = public.int_eq3, LEFTARG = integer, RIGHTARG = integer, COMMUTATOR = OPERATOR(public.===), HASHES);
CREATE OPERATOR FAMILY public.fam USING btree;
ALTER OPERATOR FAMILY public.fam USING btree ADD OPERATOR 3 pg_catalog.=(integer, bigint), FUNCTION 1 (integer, bigint) btint48cmp(integer,bigint);
CREATE OPERATOR FAMILY public.oc USING hash;
CREATE OPERATOR CLASS public."Rev Ops" FOR TYPE integer USING btree FAMILY public.fam AS OPERATOR 1 pg_catalog.>(integer, integer), OPERATOR 2 pg_catalog.>=(integer, integer), OPERATOR 3 pg_catalog.=(integer, integer), OPERATOR 4 pg_catalog.<=(integer, integer), OPERATOR 5 pg_catalog.<(integer, integer), FUNCTION 1 (integer, integer) btint4cmp(integer,integer);
CREATE OPERATOR CLASS public.oc FOR TYPE integer USING hash FAMILY public.oc AS OPERATOR 1 public.===(integer, integer), FUNCTION 1 (integer, integer) hashint4(integer);
-- stage07_indexes
CREATE INDEX t_a ON public.t USING hash (a public.oc);
-- stage09_finishing
COMMENT ON OPERATOR CLASS public.oc USING hash IS 'hashes thrice';
