# WAIT n (MariaDB): a locking read waits at most n seconds for a lock, then fails with 1205
setup: CREATE TABLE t (id INT PRIMARY KEY, v INT);
setup: INSERT INTO t VALUES (1, 0), (2, 0);
a: BEGIN;
a: SELECT id FROM t WHERE id = 1 FOR UPDATE;
b: BEGIN;
b: SELECT id FROM t WHERE id = 1 FOR UPDATE WAIT 0;
b: SELECT id FROM t WHERE id = 1 LOCK IN SHARE MODE WAIT 0;
b: SELECT id FROM t WHERE id = 2 FOR UPDATE WAIT 0;
b: COMMIT;
a: COMMIT;
