-- stage03_columns
ALTER TABLE public.node ALTER COLUMN tenant SET NOT NULL;
-- stage08_constraints
ALTER TABLE public.node DROP CONSTRAINT node_parent_fkey;
ALTER TABLE public.node DROP CONSTRAINT node_pkey;
ALTER TABLE public.node ADD CONSTRAINT node_pkey PRIMARY KEY (id, tenant);
ALTER TABLE public.node ADD CONSTRAINT node_parent_tenant_fkey FOREIGN KEY (parent, tenant) REFERENCES public.node(id, tenant);
