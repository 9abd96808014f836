CREATE TYPE e AS ENUM ('a', 'b', 'gone'); CREATE TABLE t (x e DEFAULT 'a'); INSERT INTO t VALUES ('b');
