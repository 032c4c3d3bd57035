# a deadlock through three transactions is found too
setup: CREATE TABLE t (id INT PRIMARY KEY, v INT);
setup: INSERT INTO t VALUES (1, 0), (2, 0), (3, 0);
a: BEGIN;
b: BEGIN;
c: BEGIN;
a: UPDATE t SET v = 1 WHERE id = 1;
b: UPDATE t SET v = 2 WHERE id = 2;
c: UPDATE t SET v = 3 WHERE id = 3;
a: UPDATE t SET v = 1 WHERE id = 2;
b: UPDATE t SET v = 2 WHERE id = 3;
c: UPDATE t SET v = 3 WHERE id = 1;
b: wait;
b: COMMIT;
a: wait;
a: COMMIT;
c: SELECT id, v FROM t ORDER BY id;
