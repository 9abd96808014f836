CREATE TABLE t (id int, a int, s text);COMMENT ON TABLE t IS 'old';
