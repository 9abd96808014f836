CREATE TABLE t (a int, b int NOT NULL NO INHERIT, c int NOT NULL, d int, e int NOT NULL NO INHERIT);
CREATE TABLE k (z int) INHERITS (t);
