CREATE TABLE t (id int, a int, s text);CREATE POLICY p ON t AS RESTRICTIVE USING (a > 0);
