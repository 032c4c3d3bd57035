# shared locks: LOCK IN SHARE MODE readers share a row, a writer waits for both
setup: CREATE TABLE t (id INT PRIMARY KEY, v INT);
setup: INSERT INTO t VALUES (1, 0);
a: BEGIN;
a: SELECT v FROM t WHERE id = 1 LOCK IN SHARE MODE;
b: BEGIN;
b: SELECT v FROM t WHERE id = 1 LOCK IN SHARE MODE;
c: UPDATE t SET v = 1 WHERE id = 1;
a: COMMIT;
b: COMMIT;
c: wait;
a: SELECT v FROM t;
