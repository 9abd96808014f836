CREATE COLLATION posix_c (provider = libc, locale = 'POSIX');

CREATE TABLE t (a int, b int);
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE CAST (mood AS text) WITH INOUT;
CREATE EXTENSION postgres_fdw;
CREATE DOMAIN posint AS int CONSTRAINT positive CHECK (VALUE > 0);
