CREATE TABLE t (id int, a int, s text);CREATE POLICY p ON t FOR UPDATE USING (a > 0);
