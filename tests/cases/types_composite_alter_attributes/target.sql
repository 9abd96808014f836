CREATE TYPE c AS (a int, b text);
