CREATE TABLE t (id int PRIMARY KEY, a int, s text);CREATE VIEW v AS SELECT id FROM t;
