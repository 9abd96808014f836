CREATE TABLE t (id int, a int, s text);CREATE POLICY p ON t USING (a > 5);
