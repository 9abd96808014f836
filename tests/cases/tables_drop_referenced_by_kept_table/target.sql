CREATE TABLE a_gone (id int PRIMARY KEY); CREATE TABLE keep (p int REFERENCES a_gone);
