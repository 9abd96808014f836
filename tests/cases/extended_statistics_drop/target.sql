CREATE TABLE t (a int, b int);
CREATE STATISTICS s_ab ON a, b FROM t;
CREATE TABLE gone (x int, y int);
CREATE STATISTICS gone_xy ON x, y FROM gone;
