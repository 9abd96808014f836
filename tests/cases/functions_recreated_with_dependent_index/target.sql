CREATE FUNCTION dbl(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x * 2'; CREATE TABLE t (a int); CREATE INDEX t_dbl ON t (public.dbl(a));
