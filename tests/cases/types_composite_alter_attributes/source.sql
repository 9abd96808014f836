CREATE TYPE c AS (a bigint, b text, n numeric);
