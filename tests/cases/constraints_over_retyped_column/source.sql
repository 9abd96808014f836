CREATE TYPE r AS ENUM ('a', 'b'); CREATE TABLE t (x r CONSTRAINT x_not_b CHECK (x <> 'b'));
