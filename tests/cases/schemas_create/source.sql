CREATE SCHEMA app; CREATE TABLE app.t (a int);
