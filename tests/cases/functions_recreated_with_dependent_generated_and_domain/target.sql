CREATE FUNCTION twice(a int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT a * 2';
CREATE TABLE t (x int, y int GENERATED ALWAYS AS (twice(x)) STORED);
INSERT INTO t (x) VALUES (1), (2);
CREATE DOMAIN small AS int CONSTRAINT under_twice_ten CHECK (twice(VALUE) < 20);
CREATE TABLE u (s small);
