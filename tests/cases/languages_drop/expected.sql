-- stage10_drops
DROP FUNCTION IF EXISTS public.answer();
DROP LANGUAGE IF EXISTS "My PL";
DROP FUNCTION IF EXISTS public.my_handler();
DROP FUNCTION IF EXISTS public.my_inline(internal);
DROP FUNCTION IF EXISTS public.my_validator(oid);
