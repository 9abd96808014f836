CREATE TABLE t (a text) WITH (fillfactor = 70, toast.autovacuum_enabled = false);
