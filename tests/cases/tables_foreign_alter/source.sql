CREATE EXTENSION postgres_fdw;
CREATE SERVER srv FOREIGN DATA WRAPPER postgres_fdw;
CREATE FOREIGN TABLE ft (
    a bigint OPTIONS (column_name 'AA') NOT NULL,
    b text DEFAULT 'b',
    c int OPTIONS (column_name 'C') CHECK (c > 0)
) SERVER srv OPTIONS (table_name 'new', schema_name 'public', use_remote_estimate 'true');
