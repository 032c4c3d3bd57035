# A locking clause locks the rows of its own query block only: the last UNION part's, a
# subquery's; the statement's own clause does not reach a derived table or the outer block
setup: CREATE TABLE a (id INT PRIMARY KEY, v INT);
setup: CREATE TABLE b (id INT PRIMARY KEY, v INT);
setup: INSERT INTO a VALUES (1, 0), (2, 0);
setup: INSERT INTO b VALUES (1, 0), (2, 0);
a: BEGIN;
a: SELECT id FROM a WHERE id = 1 UNION SELECT id FROM b WHERE id = 1 FOR UPDATE;
a: SELECT * FROM (SELECT * FROM a WHERE id = 2) d FOR UPDATE;
b: BEGIN;
b: SELECT id FROM a WHERE id = 1 FOR UPDATE;
b: SELECT id FROM a WHERE id = 2 FOR UPDATE;
b: SELECT id FROM b WHERE id = 1 FOR UPDATE;
a: COMMIT;
b: wait;
b: COMMIT;
a: BEGIN;
a: SELECT * FROM a WHERE id IN (SELECT id FROM b WHERE id = 2 FOR UPDATE);
b: BEGIN;
b: SELECT id FROM a WHERE id = 2 FOR UPDATE;
b: SELECT id FROM b WHERE id = 2 FOR UPDATE;
a: COMMIT;
b: wait;
b: COMMIT;
