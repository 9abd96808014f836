CREATE TABLE keep (p int);
