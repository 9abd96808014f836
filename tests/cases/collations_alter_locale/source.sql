CREATE COLLATION c1 (provider = libc, locale = 'POSIX');
