-- stage10_drops
DROP EVENT TRIGGER IF EXISTS note_drops;
DROP TABLE IF EXISTS public.gone;
DROP FUNCTION IF EXISTS public.note_ddl();
