CREATE TABLE ev (id int NOT NULL, ts timestamptz NOT NULL) PARTITION BY RANGE (ts); CREATE TABLE ev_default PARTITION OF ev DEFAULT; CREATE INDEX ev_id_idx ON ev (id);
