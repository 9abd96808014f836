CREATE COLLATION posix_c (provider = libc, locale = 'POSIX');
COMMENT ON COLLATION posix_c IS 'old text';
CREATE TABLE t (a int, b int);
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE CAST (mood AS text) WITH INOUT;
