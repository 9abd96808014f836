CREATE TABLE p (id int); CREATE UNIQUE INDEX p_id ON p (id); CREATE TABLE c (p int REFERENCES p (id));
