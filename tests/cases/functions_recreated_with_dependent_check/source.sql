CREATE FUNCTION is_pos(y int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT y > 0'; CREATE TABLE t (a int, CONSTRAINT t_pos CHECK (public.is_pos(a)));
