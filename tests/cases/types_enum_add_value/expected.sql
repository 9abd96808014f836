-- stage00_prerequisites
ALTER TYPE public.e ADD VALUE 'a0' BEFORE 'a';
ALTER TYPE public.e ADD VALUE 'b' AFTER 'a';
ALTER TYPE public.e ADD VALUE 'd' AFTER 'c';
