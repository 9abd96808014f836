CREATE TYPE r AS RANGE (subtype = int4);
