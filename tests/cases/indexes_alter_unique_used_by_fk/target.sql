CREATE TABLE p (id int, v int); CREATE UNIQUE INDEX p_u ON p (id); CREATE TABLE c (p int REFERENCES p (id));
