CREATE TABLE t (id int, b text, c int NOT NULL DEFAULT 0, d text COLLATE "C");
