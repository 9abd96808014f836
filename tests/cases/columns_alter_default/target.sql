CREATE TABLE t (a int, b int DEFAULT 2, c int DEFAULT 4);
