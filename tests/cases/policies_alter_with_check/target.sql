CREATE TABLE t (id int, a int, s text);CREATE POLICY p ON t FOR INSERT WITH CHECK (true);
