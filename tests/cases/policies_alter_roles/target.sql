CREATE TABLE t (id int, a int, s text);CREATE POLICY p ON t TO drift_case_reader USING (true);
