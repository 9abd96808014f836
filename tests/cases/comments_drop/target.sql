CREATE TABLE t (id int, a int, s text);COMMENT ON COLUMN t.a IS 'gone';
