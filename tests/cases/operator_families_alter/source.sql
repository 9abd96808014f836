CREATE OPERATOR FAMILY fam USING btree;
ALTER OPERATOR FAMILY fam USING btree ADD OPERATOR 3 = (int, bigint), FUNCTION 1 btint48cmp(int, bigint);
