-- Stored procedures: CREATE [IF NOT EXISTS] / DROP [IF EXISTS], CALL with IN / OUT / INOUT
-- parameters into user variables, compound bodies (DECLARE, SET, SELECT … INTO, IF, CASE,
-- WHILE, REPEAT, LOOP with labels), DML in bodies, and MySQL's errors.
CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20), qty INT);
INSERT INTO items VALUES (1, 'apple', 3), (2, 'pear', 0), (3, 'fig', 7);
CREATE PROCEDURE count_items(OUT n INT) BEGIN SELECT COUNT(*) INTO n FROM items; END;
CALL count_items(@n);
SELECT @n;
-- error 1304
CREATE PROCEDURE count_items(OUT n INT) SELECT 1 INTO n;
CREATE PROCEDURE IF NOT EXISTS count_items(OUT n INT) SELECT 1 INTO n;
-- error 1318
CALL count_items();
-- error 1414
CALL count_items(5);
-- error 1305
CALL no_such_proc();
CREATE PROCEDURE add_item(IN p_id INT, IN p_name VARCHAR(20), INOUT total INT) BEGIN INSERT INTO items VALUES (p_id, p_name, 1); SET total = total + 1; END;
SET @t = 10;
CALL add_item(4, 'kiwi', @t);
SELECT @t;
SELECT id, name, qty FROM items ORDER BY id;
CREATE PROCEDURE classify(IN p INT, OUT label VARCHAR(20)) BEGIN DECLARE q INT DEFAULT NULL; SELECT qty INTO q FROM items WHERE id = p; IF q IS NULL THEN SET label = 'missing'; ELSEIF q = 0 THEN SET label = 'empty'; ELSE SET label = CASE WHEN q > 5 THEN 'many' ELSE 'some' END; END IF; END;
CALL classify(1, @l1);
CALL classify(2, @l2);
CALL classify(3, @l3);
CALL classify(99, @l4);
SELECT CAST(@l1 AS CHAR(20)) AS l1, CAST(@l2 AS CHAR(20)) AS l2, CAST(@l3 AS CHAR(20)) AS l3, CAST(@l4 AS CHAR(20)) AS l4;
CREATE PROCEDURE loops(IN n INT, OUT a INT, OUT b VARCHAR(20), OUT c INT) BEGIN DECLARE i INT DEFAULT 0; SET a = 0; w: WHILE i < n DO SET i = i + 1; IF i = 2 THEN ITERATE w; END IF; IF i > 5 THEN LEAVE w; END IF; SET a = a + i; END WHILE w; SET b = ''; REPEAT SET b = CONCAT(b, 'x'); UNTIL LENGTH(b) >= 3 END REPEAT; SET c = 0; l: LOOP SET c = c + 2; IF c >= 7 THEN LEAVE l; END IF; END LOOP l; END;
CALL loops(10, @a, @b, @c);
SELECT @a, CAST(@b AS CHAR(20)) AS b, @c;
CREATE PROCEDURE pick(IN k INT, OUT r VARCHAR(10)) BEGIN CASE k WHEN 1 THEN SET r = 'one'; WHEN 2 THEN SET r = 'two'; END CASE; END;
CALL pick(2, @r);
SELECT CAST(@r AS CHAR(10)) AS r;
-- error 1339
CALL pick(3, @r);
CREATE PROCEDURE restock(IN amount INT) UPDATE items SET qty = qty + amount WHERE qty = 0;
CALL restock(5);
SELECT id, qty FROM items ORDER BY id;
SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() ORDER BY ROUTINE_NAME;
SELECT ROUTINE_DEFINITION FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() AND ROUTINE_NAME = 'count_items';
DROP PROCEDURE restock;
-- error 1305
DROP PROCEDURE restock;
DROP PROCEDURE IF EXISTS restock;
SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE();
