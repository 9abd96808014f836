CREATE TABLE t (a text) WITH (toast.autovacuum_vacuum_threshold = 100); CREATE TABLE u (a text) WITH (toast.autovacuum_enabled = false, fillfactor = 80);
