CREATE TYPE ct AS (a int, b text); CREATE TABLE t (a int, b text); CREATE TABLE u OF ct;
