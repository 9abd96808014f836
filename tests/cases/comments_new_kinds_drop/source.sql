CREATE COLLATION posix_c (provider = libc, locale = 'POSIX');

CREATE TABLE t (a int, b int);
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE CAST (mood AS text) WITH INOUT;
