CREATE FUNCTION twice(n int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT n * 2';
CREATE TABLE t (x int, y int GENERATED ALWAYS AS (twice(x)) STORED);
CREATE DOMAIN small AS int CONSTRAINT under_twice_ten CHECK (twice(VALUE) < 20);
CREATE TABLE u (s small);
