CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE TABLE log (id int, note text);
CREATE RULE log_a AS ON UPDATE TO t WHERE old.a <> new.a DO ALSO INSERT INTO log VALUES (new.id, 'changed');
CREATE RULE no_delete AS ON DELETE TO t DO INSTEAD NOTHING;
ALTER TABLE t ENABLE ALWAYS RULE no_delete;
