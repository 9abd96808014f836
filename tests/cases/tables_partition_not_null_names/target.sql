CREATE TABLE pt (a int NOT NULL, k int, z int) PARTITION BY RANGE (k);
