CREATE TABLE p (id int, code text, n int); CREATE TABLE c (p int);
