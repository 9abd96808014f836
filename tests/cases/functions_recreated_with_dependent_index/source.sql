CREATE FUNCTION dbl(y int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT y * 2'; CREATE TABLE t (a int); CREATE INDEX t_dbl ON t (public.dbl(a));
