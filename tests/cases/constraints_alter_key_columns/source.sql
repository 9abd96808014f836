CREATE TABLE p (id int, v int, PRIMARY KEY (id)); CREATE TABLE c (p int REFERENCES p);
