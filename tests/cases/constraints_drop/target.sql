CREATE TABLE p (id int PRIMARY KEY, code text UNIQUE, n int CHECK (n > 0)); CREATE TABLE c (p int REFERENCES p);
