CREATE FUNCTION is_pos(x int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT x > 0'; CREATE TABLE t (a int, CONSTRAINT t_pos CHECK (public.is_pos(a)));
