CREATE TABLE t (id int, a int, s text);CREATE INDEX t_a ON t (a);
