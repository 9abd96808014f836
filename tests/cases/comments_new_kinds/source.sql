CREATE COLLATION posix_c (provider = libc, locale = 'POSIX');
COMMENT ON COLLATION posix_c IS 'sorts bytes';
CREATE TABLE t (a int, b int);
CREATE STATISTICS t_ab ON a, b FROM t;
COMMENT ON STATISTICS t_ab IS 'a and b move together';
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE CAST (mood AS text) WITH INOUT;
COMMENT ON CAST (mood AS text) IS 'labels as text';
