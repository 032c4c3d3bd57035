-- Index hints (USE / IGNORE / FORCE INDEX | KEY, FOR JOIN / ORDER BY / GROUP BY): they choose
-- a plan, never the rows.
CREATE TABLE t (id INT PRIMARY KEY, k INT, c VARCHAR(10), KEY k_1 (k), KEY c_1 (c));
CREATE TABLE u (id INT PRIMARY KEY, k INT);
INSERT INTO t VALUES (1, 10, 'a'), (2, 20, 'b'), (3, 30, 'c'), (4, 20, 'd');
INSERT INTO u VALUES (1, 1), (2, 2), (4, 4);
SELECT id FROM t USE INDEX (k_1) WHERE k > 15 ORDER BY id;
SELECT id FROM t IGNORE KEY (k_1) WHERE k = 20 ORDER BY id;
SELECT id FROM t FORCE INDEX (PRIMARY, c_1) WHERE c >= 'b' ORDER BY c DESC;
SELECT a.id, u.k FROM t AS a FORCE INDEX FOR JOIN (k_1) JOIN u USE KEY () ON a.id = u.id ORDER BY a.id;
SELECT k, COUNT(*) FROM t USE INDEX FOR ORDER BY (k_1) IGNORE INDEX FOR GROUP BY (k_1) GROUP BY k ORDER BY k;
SELECT COUNT(*) FROM (SELECT id FROM t FORCE INDEX (k_1) WHERE k < 25) d;
UPDATE t FORCE INDEX (k_1) SET c = 'z' WHERE k = 20;
DELETE FROM t WHERE id IN (SELECT id FROM u USE INDEX (PRIMARY) WHERE k = 4);
-- error 1064
DELETE FROM t USE INDEX (k_1) WHERE k = 30;
SELECT id, k, c FROM t ORDER BY id;
-- error 1064
SELECT id FROM t FORCE INDEX () WHERE id = 1;
-- error 1064
SELECT id FROM t USE INDEX (k_1,) WHERE id = 1;
-- A name that is no index of its table: 1176, in a subquery too; PRIMARY always names one.
-- error 1176
SELECT id FROM t USE INDEX (nope) WHERE id = 1;
-- error 1176
SELECT id FROM t AS a FORCE INDEX (k_1, nope) WHERE id = 1;
-- error 1176
SELECT id FROM u WHERE id IN (SELECT id FROM t IGNORE KEY (NOPE));
-- error 1176
UPDATE t USE INDEX (nope) SET k = 1 WHERE id = 1;
SELECT id FROM t USE INDEX (primary, K_1) WHERE id = 1;
-- A view or a CTE has no index: every name is 1176 (PRIMARY too); a derived table takes none.
CREATE VIEW v AS SELECT id, k FROM t;
-- error 1176
SELECT id FROM v USE INDEX (k_1) WHERE id = 1;
-- error 1176
SELECT id FROM v FORCE INDEX (PRIMARY) WHERE id = 1;
-- error 1176
WITH w AS (SELECT id FROM t) SELECT id FROM w IGNORE INDEX (k_1);
-- error 1064
SELECT id FROM (SELECT id, k FROM t) d USE INDEX (k_1) WHERE id = 1;
-- error 1064
SELECT id FROM (SELECT id, k FROM t) AS d FORCE INDEX (PRIMARY) WHERE id = 1;
SELECT id FROM v WHERE id = 1;
