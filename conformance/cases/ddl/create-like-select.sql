-- CREATE TABLE … LIKE (columns, keys and defaults copied; no rows) and CREATE TABLE … AS SELECT
-- (columns from the query, rows copied; IGNORE / REPLACE on duplicates).
CREATE TABLE src (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL DEFAULT 'anon',
  score DECIMAL(5,1), UNIQUE KEY by_name (name));
INSERT INTO src VALUES (1, 'ann', 9.5), (2, 'bob', 7.0), (3, 'cy', NULL);
CREATE TABLE copy1 LIKE src;
SELECT COUNT(*) FROM copy1;
INSERT INTO copy1 (id) VALUES (1);
SELECT * FROM copy1;
-- error 1062
INSERT INTO copy1 (id) VALUES (2);
-- error 1050
CREATE TABLE copy1 LIKE src;
CREATE TABLE IF NOT EXISTS copy1 LIKE src;
-- error 1146
CREATE TABLE copy2 LIKE nothing;
CREATE TABLE copy3 AS SELECT * FROM src;
SELECT * FROM copy3 ORDER BY id;
CREATE TABLE copy4 AS SELECT id, name FROM src WHERE score > 8;
SELECT * FROM copy4;
CREATE TABLE copy5 SELECT name, score * 2 AS doubled FROM src ORDER BY id;
SELECT * FROM copy5 ORDER BY name;
CREATE TABLE copy6 (extra INT DEFAULT 7) SELECT id FROM src;
SELECT * FROM copy6 ORDER BY id;
CREATE TABLE copy7 (id INT PRIMARY KEY) IGNORE SELECT 1 AS id UNION ALL SELECT 1 UNION ALL SELECT 2;
SELECT * FROM copy7 ORDER BY id;
CREATE TABLE copy8 (id INT PRIMARY KEY, v VARCHAR(5)) REPLACE SELECT 1 AS id, 'a' AS v UNION ALL SELECT 1, 'b';
SELECT * FROM copy8;
-- error 1062
CREATE TABLE copy9 (id INT PRIMARY KEY) SELECT 1 AS id UNION ALL SELECT 1;
-- error 1146
SELECT * FROM copy9;
-- error 1050
CREATE TABLE copy3 AS SELECT 1;
CREATE TABLE IF NOT EXISTS copy3 AS SELECT 1 AS id;
SELECT COUNT(*) FROM copy3;
CREATE TABLE agg AS SELECT COUNT(*) AS n, MAX(id) AS top FROM src;
SELECT * FROM agg;
CREATE TABLE joined AS SELECT s.id, c.name FROM src s JOIN copy4 c ON c.id = s.id;
SELECT * FROM joined;
