CREATE TABLE t (a int CONSTRAINT a_required NOT NULL, b int CONSTRAINT b_req NOT NULL, c int NOT NULL);
CREATE TABLE n (x int CONSTRAINT x_present NOT NULL, y int NOT NULL);
