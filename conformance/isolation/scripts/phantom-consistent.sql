# phantom without locking reads: a REPEATABLE READ snapshot does not see rows committed after it
setup: CREATE TABLE t (id INT PRIMARY KEY, v INT);
setup: INSERT INTO t VALUES (5, 0), (10, 0), (20, 0), (30, 0);
a: BEGIN;
a: SELECT id FROM t WHERE id BETWEEN 10 AND 20 ORDER BY id;
b: INSERT INTO t VALUES (15, 1);
b: DELETE FROM t WHERE id = 20;
a: SELECT id FROM t WHERE id BETWEEN 10 AND 20 ORDER BY id;
a: SELECT id FROM t ORDER BY id;
a: COMMIT;
a: SELECT id FROM t WHERE id BETWEEN 10 AND 20 ORDER BY id;
