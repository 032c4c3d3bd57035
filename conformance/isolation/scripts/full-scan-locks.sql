# an UPDATE with no usable index reads the whole table: REPEATABLE READ keeps every row and gap
# locked; READ COMMITTED keeps only the rows it changed
setup: CREATE TABLE t (id INT PRIMARY KEY, v INT);
setup: INSERT INTO t VALUES (1, 0), (2, 0), (3, 5);
a: BEGIN;
a: UPDATE t SET v = 6 WHERE v = 5;
b: UPDATE t SET v = 1 WHERE id = 1;
c: INSERT INTO t VALUES (9, 0);
a: COMMIT;
b: wait;
c: wait;
a: SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED;
a: BEGIN;
a: UPDATE t SET v = 7 WHERE v = 6;
b: UPDATE t SET v = 2 WHERE id = 2;
b: INSERT INTO t VALUES (8, 0);
c: UPDATE t SET v = 3 WHERE id = 3;
a: COMMIT;
c: wait;
a: SELECT id, v FROM t ORDER BY id;
