CREATE TABLE keep (a int, extra int); CREATE TABLE gone (a int);
