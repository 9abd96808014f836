CREATE TABLE t (id int PRIMARY KEY, a int, s text);CREATE MATERIALIZED VIEW mv WITH (fillfactor = 50) AS SELECT id FROM t;
