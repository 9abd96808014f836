CREATE TABLE t (id int, a int, s text);CREATE INDEX t_i ON t (a, id);
