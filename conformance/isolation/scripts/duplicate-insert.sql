# race-free unique checks: a second insert of a key waits for the first, then fails or succeeds
setup: CREATE TABLE t (id INT PRIMARY KEY, who CHAR(1));
a: BEGIN;
a: INSERT INTO t VALUES (5, 'a');
b: INSERT INTO t VALUES (5, 'b');
a: COMMIT;
b: wait;
a: BEGIN;
a: INSERT INTO t VALUES (6, 'a');
b: INSERT INTO t VALUES (6, 'b');
a: ROLLBACK;
b: wait;
a: SELECT id, who FROM t ORDER BY id;
