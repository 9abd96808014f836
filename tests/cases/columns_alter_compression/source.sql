CREATE TABLE t (a text COMPRESSION pglz, b text);
