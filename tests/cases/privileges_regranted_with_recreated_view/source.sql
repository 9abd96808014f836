CREATE TABLE t (a bigint); CREATE VIEW v AS SELECT a FROM t; GRANT SELECT ON v TO drift_case_reader;
