CREATE TYPE ct AS (a int, b text); CREATE TABLE t OF ct; CREATE TABLE u (a int, b text);
