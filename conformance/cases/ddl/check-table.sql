-- CHECK TABLE after inserts, deletes and updates through two secondary indexes; a view; a table
-- that does not exist.
CREATE TABLE t (id INT PRIMARY KEY, k INT, c VARCHAR(200), KEY k_1 (k), KEY c_1 (c));
CREATE VIEW v AS SELECT id FROM t;
INSERT INTO t VALUES (1, 10, 'a'), (2, 20, 'b'), (3, 30, 'c'), (4, 20, 'd'), (5, 50, 'e');
DELETE FROM t WHERE id = 3;
UPDATE t SET k = k + 1, c = CONCAT(c, 'x') WHERE id IN (2, 4);
CHECK TABLE t;
CHECK TABLE t QUICK;
CHECK TABLE t, v EXTENDED;
CHECK TABLE t FOR UPGRADE;
CHECK TABLE nope;
-- error 1064
CHECK TABLE t FOR;
