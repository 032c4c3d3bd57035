# phantom with locking reads: FOR UPDATE under REPEATABLE READ locks the range, inserts into it wait
setup: CREATE TABLE t (id INT PRIMARY KEY, v INT);
setup: INSERT INTO t VALUES (5, 0), (10, 0), (20, 0), (40, 0);
a: BEGIN;
a: SELECT id FROM t WHERE id BETWEEN 10 AND 20 ORDER BY id FOR UPDATE;
b: INSERT INTO t VALUES (1, 1);
b: INSERT INTO t VALUES (50, 1);
b: UPDATE t SET v = 2 WHERE id = 5;
b: INSERT INTO t VALUES (15, 1);
a: SELECT id FROM t WHERE id BETWEEN 10 AND 20 ORDER BY id FOR UPDATE;
a: UPDATE t SET v = 9 WHERE id BETWEEN 10 AND 20;
a: COMMIT;
b: wait;
a: SELECT id, v FROM t ORDER BY id;
