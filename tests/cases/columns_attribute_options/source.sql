CREATE TABLE n (a int); ALTER TABLE n ALTER COLUMN a SET (n_distinct = 100);
CREATE TABLE t (a int, b int, c int, d int);
ALTER TABLE t ALTER COLUMN a SET (n_distinct = -0.5), ALTER COLUMN b SET (n_distinct = 10, n_distinct_inherited = 5), ALTER COLUMN d SET (n_distinct_inherited = 3);
