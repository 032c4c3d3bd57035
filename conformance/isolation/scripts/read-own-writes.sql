# a transaction reads its own uncommitted writes; others do not, and ROLLBACK forgets them
setup: CREATE TABLE t (id INT PRIMARY KEY, v INT);
setup: INSERT INTO t VALUES (1, 10);
a: BEGIN;
a: INSERT INTO t VALUES (2, 20);
a: UPDATE t SET v = v + 1;
a: SELECT id, v FROM t ORDER BY id;
b: SELECT id, v FROM t ORDER BY id;
a: SAVEPOINT s;
a: DELETE FROM t WHERE id = 1;
a: SELECT id, v FROM t ORDER BY id;
a: ROLLBACK TO SAVEPOINT s;
a: SELECT id, v FROM t ORDER BY id;
a: ROLLBACK;
a: SELECT id, v FROM t ORDER BY id;
