CREATE SCHEMA st;
CREATE TABLE t (a int, b int, c text);
CREATE STATISTICS s_ab (ndistinct, dependencies) ON a, b FROM t;
CREATE STATISTICS st."S Expr" ON (a + b), lower(c) FROM t;
CREATE STATISTICS s_target ON a, c FROM t;
ALTER STATISTICS s_target SET STATISTICS 300;
CREATE TABLE n (x int, y int);
CREATE STATISTICS n_xy ON x, y FROM n;
