CREATE TABLE "T t" ("Id" int, v text); INSERT INTO "T t" VALUES (1, 'a'), (7, 'b')
