# lock wait timeout: 1205 after innodb_lock_wait_timeout; only the statement is rolled back
setup: CREATE TABLE t (id INT PRIMARY KEY, v INT);
setup: INSERT INTO t VALUES (1, 0), (2, 0);
b: SET SESSION innodb_lock_wait_timeout = 1;
a: BEGIN;
a: UPDATE t SET v = 10 WHERE id = 1;
b: BEGIN;
b: UPDATE t SET v = 20 WHERE id = 2;
b: UPDATE t SET v = 21 WHERE id = 1;
b: wait;
b: SELECT id, v FROM t ORDER BY id;
b: COMMIT;
a: COMMIT;
a: SELECT id, v FROM t ORDER BY id;
