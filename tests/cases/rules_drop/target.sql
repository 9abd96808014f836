CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE TABLE log (id int, note text);
CREATE VIEW v AS SELECT id, a FROM t;
CREATE RULE "V Insert" AS ON INSERT TO v DO INSTEAD INSERT INTO t (id, a) VALUES (new.id, new.a);
CREATE RULE log_a AS ON UPDATE TO t WHERE old.a <> new.a DO ALSO INSERT INTO log VALUES (new.id, 'a changed');
CREATE RULE no_delete AS ON DELETE TO t DO INSTEAD NOTHING;
ALTER TABLE t DISABLE RULE no_delete;
COMMENT ON RULE log_a ON t IS 'keeps a log';
