CREATE TABLE t (a int, b int); CREATE INDEX t_a ON t (a) WITH (fillfactor = 50); CREATE INDEX t_b ON t (b);
