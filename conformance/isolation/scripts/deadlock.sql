# deadlock: two transactions lock two rows in opposite orders; one gets 1213 and is rolled back
setup: CREATE TABLE t (id INT PRIMARY KEY, v INT);
setup: INSERT INTO t VALUES (1, 0), (2, 0);
a: BEGIN;
b: BEGIN;
a: UPDATE t SET v = 10 WHERE id = 1;
b: UPDATE t SET v = 20 WHERE id = 2;
a: UPDATE t SET v = 11 WHERE id = 2;
b: UPDATE t SET v = 21 WHERE id = 1;
a: wait;
b: SELECT v FROM t ORDER BY id;
a: COMMIT;
b: COMMIT;
a: SELECT id, v FROM t ORDER BY id;
