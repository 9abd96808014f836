CREATE SCHEMA st;
CREATE TABLE t (a int, b int);
