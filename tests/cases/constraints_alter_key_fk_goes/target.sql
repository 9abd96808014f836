CREATE TABLE p (a int, b int, PRIMARY KEY (a)); CREATE TABLE c (a int, b int, CONSTRAINT c_fk FOREIGN KEY (a) REFERENCES p);
