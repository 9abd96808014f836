CREATE SCHEMA pubs;
CREATE TABLE pubs.x (i int);
CREATE TABLE t (id int PRIMARY KEY, b text);
