CREATE SCHEMA pubs;
CREATE TABLE pubs.x (i int);
CREATE TABLE t (id int PRIMARY KEY, a int, b text);
CREATE TABLE "Other" (k int PRIMARY KEY);
CREATE PUBLICATION p_rows FOR TABLE t (id, a) WHERE (a > 0 AND b <> 'x'), "Other" WITH (publish = 'insert, update');
CREATE PUBLICATION "P Schema" FOR TABLES IN SCHEMA pubs;
CREATE PUBLICATION p_all FOR ALL TABLES WITH (publish_via_partition_root = true);
COMMENT ON PUBLICATION p_rows IS 'rows with a';
