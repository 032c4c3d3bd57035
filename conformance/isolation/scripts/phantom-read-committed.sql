# phantom under READ COMMITTED: locking reads take no gap locks, so a second one sees a new row
setup: CREATE TABLE t (id INT PRIMARY KEY, v INT);
setup: INSERT INTO t VALUES (10, 0), (20, 0);
a: SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED;
a: BEGIN;
a: SELECT id FROM t WHERE id BETWEEN 10 AND 20 ORDER BY id FOR UPDATE;
b: INSERT INTO t VALUES (15, 1);
a: SELECT id FROM t WHERE id BETWEEN 10 AND 20 ORDER BY id FOR UPDATE;
b: UPDATE t SET v = 3 WHERE id = 10;
a: COMMIT;
b: wait;
a: SELECT id, v FROM t ORDER BY id;
