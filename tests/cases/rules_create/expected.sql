-- stage02_tables
CREATE TABLE public.log (
    id integer,
    note text
);
-- stage05_views
CREATE VIEW public.v AS
SELECT id,
    a
   FROM public.t;
-- stage06_triggers
CREATE RULE log_a AS
    ON UPDATE TO public.t
   WHERE (old.a <> new.a) DO  INSERT INTO public.log (id, note)
  VALUES (new.id, 'a changed'::text);
CREATE RULE no_delete AS
    ON DELETE TO public.t DO INSTEAD NOTHING;
ALTER TABLE public.t DISABLE RULE no_delete;
CREATE RULE "V Insert" AS
    ON INSERT TO public.v DO INSTEAD  INSERT INTO public.t (id, a)
  VALUES (new.id, new.a);
-- stage09_finishing
COMMENT ON RULE log_a ON public.t IS 'keeps a log';
