CREATE COLLATION posix_c (provider = libc, locale = 'POSIX');
CREATE DOMAIN code AS text COLLATE posix_c CHECK (VALUE <> '');
CREATE TABLE t (c code);
