CREATE TABLE t (a int, b int, c int); ALTER TABLE t ALTER COLUMN b SET (n_distinct = 20), ALTER COLUMN c SET (n_distinct = 7);
