CREATE TABLE keep (a int, extra int);
