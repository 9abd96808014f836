CREATE EXTENSION postgres_fdw;
CREATE SERVER srv FOREIGN DATA WRAPPER postgres_fdw;
CREATE FOREIGN TABLE ft (
    a int OPTIONS (column_name 'A'),
    b text OPTIONS (column_name 'bb'),
    gone int
) SERVER srv OPTIONS (table_name 'old', schema_name 'public', fetch_size '10');
