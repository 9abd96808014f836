CREATE TABLE a_parent (id int PRIMARY KEY); CREATE TABLE b_child (id int PRIMARY KEY, p int REFERENCES a_parent); CREATE TABLE z_child (p int REFERENCES a_parent);
