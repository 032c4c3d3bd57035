# NOWAIT: a locking read that would wait fails at once instead
setup: CREATE TABLE t (id INT PRIMARY KEY, v INT);
setup: INSERT INTO t VALUES (1, 0), (2, 0);
a: BEGIN;
a: SELECT id FROM t WHERE id = 1 FOR UPDATE;
b: BEGIN;
b: SELECT id FROM t WHERE id = 1 FOR UPDATE NOWAIT;
b: SELECT id FROM t WHERE id = 2 FOR UPDATE NOWAIT;
b: COMMIT;
a: COMMIT;
