CREATE TABLE t (a int NOT NULL, b int, c int CONSTRAINT c_custom NOT NULL);
