-- stage04_functions
ALTER OPERATOR FAMILY public.fam USING btree DROP OPERATOR 1 (integer, bigint);
ALTER OPERATOR FAMILY public.fam USING btree ADD FUNCTION 1 (integer, bigint) btint48cmp(integer,bigint);
