CREATE TABLE t (a int PRIMARY KEY); CREATE TYPE shell; COMMENT ON TYPE shell IS 'to be defined';
