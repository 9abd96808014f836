CREATE TABLE t (a int); CREATE VIEW v AS SELECT a FROM t; GRANT SELECT ON v TO drift_case_reader;
