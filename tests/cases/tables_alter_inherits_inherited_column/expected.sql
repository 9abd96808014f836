-- stage03_columns
CREATE TABLE public.child_inherit_helper ();
ALTER TABLE public.child INHERIT public.child_inherit_helper;
ALTER TABLE public.child RENAME COLUMN a TO a_before_inherit;
ALTER TABLE public.child_inherit_helper ADD COLUMN a integer;
UPDATE ONLY public.child SET a = a_before_inherit;
ALTER TABLE public.child DROP COLUMN a_before_inherit;
ALTER TABLE public.child INHERIT public.parent;
ALTER TABLE public.child NO INHERIT public.child_inherit_helper;
DROP TABLE public.child_inherit_helper;
