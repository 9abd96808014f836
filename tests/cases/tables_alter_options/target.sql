CREATE TABLE t (a int) WITH (fillfactor = 90, toast_tuple_target = 256);
