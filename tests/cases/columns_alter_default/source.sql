CREATE TABLE t (a int DEFAULT 1, b int DEFAULT 3, c int);
