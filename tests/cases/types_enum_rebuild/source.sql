CREATE TYPE e AS ENUM ('b', 'a'); CREATE TABLE t (x e DEFAULT 'a');
