-- functions: functions, procedures, aggregates and window functions, identified by argument types
-- the user types of its signature (pg_depend; an array's element type) as [kind, schema, name]: a
-- type, or the table or view whose row type it is; aggregated once: created before it
WITH used_types AS MATERIALIZED (
  SELECT d.objid, json_agg(DISTINCT jsonb_build_array(
           CASE rc.relkind WHEN 'v' THEN 'views' WHEN 'm' THEN 'materialized_views' WHEN 'r' THEN 'tables'
                           WHEN 'p' THEN 'tables' WHEN 'f' THEN 'tables' ELSE 'types' END,
           tn.nspname, COALESCE(rc.relname, t.typname)))::text AS list
  FROM pg_depend d
  JOIN pg_type a ON a.oid = d.refobjid
  JOIN pg_type t ON t.oid = CASE WHEN a.typcategory = 'A' AND a.typelem <> 0 THEN a.typelem ELSE a.oid END
  JOIN pg_namespace tn ON tn.oid = t.typnamespace
  LEFT JOIN pg_class rc ON rc.oid = t.typrelid
  WHERE d.classid = 'pg_proc'::regclass AND d.refclassid = 'pg_type'::regclass AND d.deptype = 'n'
    AND tn.nspname NOT IN ('pg_catalog', 'information_schema')
  GROUP BY d.objid
)
SELECT n.nspname AS schema,
       p.proname AS name,
       oidvectortypes(p.proargtypes) AS arguments,
       CASE p.prokind WHEN 'f' THEN 'function' WHEN 'p' THEN 'procedure'
                      WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window' END AS function_kind,
       pg_get_function_arguments(p.oid) AS signature,
       pg_get_function_result(p.oid) AS returns,
       l.lanname AS language,
       CASE WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid) ELSE p.prosrc END AS body,
       CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END AS volatility,
       p.proisstrict AS strict,
       p.prosecdef AS security_definer,
       p.proleakproof AS leakproof,
       CASE p.proparallel WHEN 's' THEN 'safe' WHEN 'r' THEN 'restricted' ELSE 'unsafe' END AS parallel,
       array_to_string(p.proconfig, ',') AS config,
       -- an aggregate's parts (the plain ones first, as before; the others only when set, so that a
       -- plain aggregate reads as it always has): compared, and the functions it needs are named here
       CASE WHEN p.prokind = 'a' THEN
         (SELECT format('sfunc=%s stype=%s finalfunc=%s combinefunc=%s initcond=%s',
                        a.aggtransfn::regproc, format_type(a.aggtranstype, NULL), a.aggfinalfn::regproc,
                        a.aggcombinefn::regproc, a.agginitval)
                 || concat(CASE a.aggkind WHEN 'o' THEN ' kind=ordered-set' WHEN 'h' THEN ' kind=hypothetical' END,
                           CASE WHEN a.aggmtransfn <> 0 THEN format(' msfunc=%s minvfunc=%s mstype=%s mfinalfunc=%s minitcond=%s',
                                a.aggmtransfn::regproc, a.aggminvtransfn::regproc, format_type(a.aggmtranstype, NULL),
                                a.aggmfinalfn::regproc, a.aggminitval) END,
                           CASE WHEN a.aggserialfn <> 0 THEN format(' serialfunc=%s deserialfunc=%s',
                                a.aggserialfn::regproc, a.aggdeserialfn::regproc) END,
                           CASE WHEN a.aggtransspace <> 0 THEN ' sspace=' || a.aggtransspace END,
                           CASE WHEN a.aggmtransspace <> 0 THEN ' msspace=' || a.aggmtransspace END,
                           CASE WHEN a.aggfinalextra THEN ' finalfunc_extra' END,
                           CASE WHEN a.aggmfinalextra THEN ' mfinalfunc_extra' END,
                           CASE WHEN a.aggfinalmodify <> CASE a.aggkind WHEN 'n' THEN 'r' ELSE 'w' END
                                THEN ' finalfunc_modify=' || a.aggfinalmodify::text END,
                           CASE WHEN a.aggmtransfn <> 0 AND a.aggmfinalmodify <> 'r' THEN ' mfinalfunc_modify=' || a.aggmfinalmodify::text END,
                           CASE WHEN a.aggsortop <> 0 THEN ' sortop=' || a.aggsortop::regoperator END)
          FROM pg_aggregate a WHERE a.aggfnoid = p.oid)
       END AS aggregate,
       CASE WHEN p.prokind IN ('f', 'p', 'w') THEN pg_get_functiondef(p.oid)
            -- aggregates of every kind (plain, moving, ordered-set, hypothetical-set): CREATE AGGREGATE
            -- from pg_aggregate, with each option that differs from its default
            WHEN p.prokind = 'a' THEN
              (SELECT format('CREATE AGGREGATE %s.%s(%s) (%s)',
                             quote_ident(n.nspname), quote_ident(p.proname),
                             CASE WHEN a.aggkind = 'n' THEN pg_get_function_identity_arguments(p.oid)
                                  ELSE pg_get_function_arguments(p.oid) END,
                             concat_ws(', ',
                               'SFUNC = ' || a.aggtransfn::regproc, 'STYPE = ' || format_type(a.aggtranstype, NULL),
                               CASE WHEN a.aggtransspace <> 0 THEN 'SSPACE = ' || a.aggtransspace END,
                               CASE WHEN a.aggfinalfn <> 0 THEN 'FINALFUNC = ' || a.aggfinalfn::regproc END,
                               CASE WHEN a.aggfinalextra THEN 'FINALFUNC_EXTRA' END,
                               CASE WHEN a.aggfinalmodify <> CASE a.aggkind WHEN 'n' THEN 'r' ELSE 'w' END
                                    THEN 'FINALFUNC_MODIFY = ' || CASE a.aggfinalmodify WHEN 'r' THEN 'READ_ONLY'
                                         WHEN 's' THEN 'SHAREABLE' ELSE 'READ_WRITE' END END,
                               CASE WHEN a.aggcombinefn <> 0 THEN 'COMBINEFUNC = ' || a.aggcombinefn::regproc END,
                               CASE WHEN a.aggserialfn <> 0 THEN 'SERIALFUNC = ' || a.aggserialfn::regproc END,
                               CASE WHEN a.aggdeserialfn <> 0 THEN 'DESERIALFUNC = ' || a.aggdeserialfn::regproc END,
                               CASE WHEN a.agginitval IS NOT NULL THEN 'INITCOND = ' || quote_literal(a.agginitval) END,
                               CASE WHEN a.aggmtransfn <> 0 THEN 'MSFUNC = ' || a.aggmtransfn::regproc END,
                               CASE WHEN a.aggminvtransfn <> 0 THEN 'MINVFUNC = ' || a.aggminvtransfn::regproc END,
                               CASE WHEN a.aggmtransfn <> 0 THEN 'MSTYPE = ' || format_type(a.aggmtranstype, NULL) END,
                               CASE WHEN a.aggmtransspace <> 0 THEN 'MSSPACE = ' || a.aggmtransspace END,
                               CASE WHEN a.aggmfinalfn <> 0 THEN 'MFINALFUNC = ' || a.aggmfinalfn::regproc END,
                               CASE WHEN a.aggmfinalextra THEN 'MFINALFUNC_EXTRA' END,
                               CASE WHEN a.aggmtransfn <> 0 AND a.aggmfinalmodify <> 'r'
                                    THEN 'MFINALFUNC_MODIFY = ' || CASE a.aggmfinalmodify WHEN 's' THEN 'SHAREABLE'
                                         ELSE 'READ_WRITE' END END,
                               CASE WHEN a.aggminitval IS NOT NULL THEN 'MINITCOND = ' || quote_literal(a.aggminitval) END,
                               CASE WHEN a.aggsortop <> 0 THEN 'SORTOP = OPERATOR(' || quote_ident(son.nspname) || '.'
                                    || so.oprname || ')' END,
                               CASE p.proparallel WHEN 's' THEN 'PARALLEL = SAFE' WHEN 'r' THEN 'PARALLEL = RESTRICTED' END,
                               CASE WHEN a.aggkind = 'h' THEN 'HYPOTHETICAL' END))
               FROM pg_aggregate a
               LEFT JOIN pg_operator so ON so.oid = a.aggsortop
               LEFT JOIN pg_namespace son ON son.oid = so.oprnamespace
               WHERE a.aggfnoid = p.oid)
       END AS definition,
       EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
               AND d.deptype = 'i') AS internal,      -- range constructors: made by CREATE TYPE
       ut.list AS depends_on_types,
       pg_get_userbyid(p.proowner) AS owner,
       p.oid::bigint AS oid
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
LEFT JOIN used_types ut ON ut.objid = p.oid
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                  AND d.objid = p.oid AND d.deptype = 'e');
