-- JSON columns: validation on insert (MySQL 3140; MariaDB's JSON is LONGTEXT with a CHECK, 4025),
-- reading back through JSON functions, ->, ->> (MySQL only), comparison and updates.
CREATE TABLE j (id INT PRIMARY KEY, doc JSON);
INSERT INTO j VALUES (1, '{"name": "ann", "age": 30, "tags": ["a", "b"]}');
INSERT INTO j VALUES (2, '[1, 2, 3]'), (3, '"text"'), (4, '42'), (5, 'null'), (6, NULL);
INSERT INTO j VALUES (7, '{"name": "bob", "age": 25, "address": {"city": "Oslo"}}');
-- error 4025
INSERT INTO j VALUES (10, '{"a": }');
-- error 4025
INSERT INTO j VALUES (11, 'not json');
SELECT COUNT(*) FROM j;
SELECT id, JSON_TYPE(doc) FROM j ORDER BY id;
SELECT id, JSON_UNQUOTE(JSON_EXTRACT(doc, '$.name')) FROM j WHERE id IN (1, 7) ORDER BY id;
SELECT id, CONCAT(JSON_EXTRACT(doc, '$.age')) FROM j WHERE id IN (1, 7) ORDER BY id;
SELECT id FROM j WHERE JSON_UNQUOTE(JSON_EXTRACT(doc, '$.name')) = 'bob';
SELECT id FROM j WHERE JSON_EXTRACT(doc, '$.age') > 26;
SELECT id, CONCAT(JSON_LENGTH(doc)) FROM j WHERE doc IS NOT NULL ORDER BY id;
SELECT id, CONCAT(JSON_CONTAINS(doc, '"a"', '$.tags')) FROM j WHERE id = 1;
SELECT JSON_UNQUOTE(JSON_EXTRACT(doc, '$.address.city')) FROM j WHERE id = 7;
SELECT id, CONCAT(JSON_VALID(doc)) FROM j ORDER BY id;
UPDATE j SET doc = JSON_SET(doc, '$.age', 31) WHERE id = 1;
SELECT CONCAT(JSON_EXTRACT(doc, '$.age')) FROM j WHERE id = 1;
UPDATE j SET doc = JSON_ARRAY_APPEND(doc, '$', 4) WHERE id = 2;
SELECT CONCAT(JSON_LENGTH(doc)) FROM j WHERE id = 2;
SELECT id FROM j WHERE JSON_CONTAINS(doc, '2') ORDER BY id;
SELECT COUNT(*) FROM j WHERE JSON_TYPE(doc) = 'OBJECT';
SELECT id, JSON_UNQUOTE(JSON_EXTRACT(doc, '$[1]')) FROM j WHERE id = 2;
SELECT id, CONCAT(JSON_CONTAINS_PATH(doc, 'one', '$.address')) FROM j WHERE id IN (1, 7) ORDER BY id;
-- error 1064
SELECT id, doc -> '$.age' FROM j WHERE id IN (1, 7) ORDER BY id;
-- error 1064
SELECT id, doc ->> '$.name' FROM j WHERE id IN (1, 7) ORDER BY id;
-- error 1064
SELECT id FROM j WHERE doc ->> '$.name' = 'bob';
