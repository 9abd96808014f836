CREATE TABLE t (id int, a int, s text);GRANT SELECT ON t TO drift_case_reader;
