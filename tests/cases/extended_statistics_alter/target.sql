CREATE TABLE t (a int, b int, c int);
CREATE STATISTICS s_def (dependencies) ON a, c FROM t;
CREATE STATISTICS s_target ON a, b FROM t;
CREATE STATISTICS s_reset ON b, c FROM t;
ALTER STATISTICS s_reset SET STATISTICS 50;
