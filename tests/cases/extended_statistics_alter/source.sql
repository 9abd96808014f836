CREATE TABLE t (a int, b int, c int);
CREATE STATISTICS s_def (ndistinct) ON a, b FROM t;
CREATE STATISTICS s_target ON a, b FROM t;
ALTER STATISTICS s_target SET STATISTICS 250;
CREATE STATISTICS s_reset ON b, c FROM t;
