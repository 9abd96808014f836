CREATE TYPE ct AS (a int, b text);
