CREATE TABLE t (a int, b int); CREATE INDEX t_a ON t (a) WITH (fillfactor = 90); CREATE INDEX t_b ON t (b) WITH (fillfactor = 60, deduplicate_items = off);
