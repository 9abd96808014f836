CREATE TABLE t (a int); CREATE UNIQUE INDEX t_a_key ON t (a);
