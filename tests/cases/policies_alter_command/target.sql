CREATE TABLE t (id int, a int, s text);CREATE POLICY p ON t FOR SELECT USING (a > 0);
