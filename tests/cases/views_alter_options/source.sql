CREATE TABLE t (id int PRIMARY KEY, a int, s text);CREATE VIEW v WITH (security_barrier = true, security_invoker = true) AS SELECT id FROM t;
