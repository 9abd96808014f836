-- stage06_triggers
CREATE OR REPLACE RULE log_a AS ON UPDATE TO public.t WHERE old.a <> new.a DO ALSO INSERT INTO public.log (id, note) VALUES (new.id, CAST('changed' AS text));
ALTER TABLE public.t ENABLE ALWAYS RULE no_delete;
