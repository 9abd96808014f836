CREATE COLLATION posix_c (provider = libc, locale = 'POSIX');
CREATE COLLATION "Built In" (provider = builtin, locale = 'C.UTF-8');
CREATE TABLE t (a text, b text COLLATE posix_c);
CREATE TABLE n (x text COLLATE "Built In");
