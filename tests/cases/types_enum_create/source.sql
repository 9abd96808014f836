CREATE TYPE e AS ENUM ('x', 'y'); CREATE TABLE t (v e);
