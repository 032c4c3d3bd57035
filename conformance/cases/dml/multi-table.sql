-- Multi-table UPDATE and DELETE, and single-table UPDATE / DELETE with ORDER BY and LIMIT.
CREATE TABLE orders (id INT PRIMARY KEY, customer INT, total INT, status VARCHAR(10));
CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(10), spent INT DEFAULT 0, vip INT DEFAULT 0);
INSERT INTO customers (id, name) VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');
INSERT INTO orders VALUES (10, 1, 50, 'new'), (11, 1, 70, 'new'), (12, 2, 20, 'new'),
  (13, 3, 5, 'void'), (14, NULL, 1, 'new');
UPDATE customers c JOIN orders o ON o.customer = c.id SET c.spent = c.spent + o.total
  WHERE o.status = 'new';
SELECT * FROM customers ORDER BY id;
UPDATE customers c, orders o SET c.vip = 1, o.status = 'vip' WHERE o.customer = c.id AND o.total > 60;
SELECT * FROM customers ORDER BY id;
SELECT * FROM orders ORDER BY id;
UPDATE orders o LEFT JOIN customers c ON c.id = o.customer SET o.status = 'orphan' WHERE c.id IS NULL;
SELECT id, status FROM orders ORDER BY id;
UPDATE orders SET total = total + 1 WHERE customer IN (SELECT id FROM customers WHERE vip = 1);
SELECT id, total FROM orders ORDER BY id;
DELETE o FROM orders o JOIN customers c ON c.id = o.customer WHERE c.name = 'cy';
SELECT id FROM orders ORDER BY id;
DELETE o, c FROM orders o JOIN customers c ON c.id = o.customer WHERE c.name = 'bob';
SELECT id FROM orders ORDER BY id;
SELECT id FROM customers ORDER BY id;
DELETE FROM o USING orders AS o JOIN customers AS c ON c.id = o.customer WHERE o.total > 60;
SELECT id FROM orders ORDER BY id;
DELETE orders FROM orders LEFT JOIN customers ON customers.id = orders.customer
  WHERE customers.id IS NULL;
SELECT id FROM orders ORDER BY id;
-- error 1054
UPDATE orders o JOIN customers c ON c.id = o.customer SET o.nothing = 1;
-- error 1109
DELETE x FROM orders o JOIN customers c ON c.id = o.customer;
-- ORDER BY and LIMIT.
CREATE TABLE q (id INT PRIMARY KEY, pri INT, taken INT DEFAULT 0);
INSERT INTO q (id, pri) VALUES (1, 5), (2, 1), (3, 9), (4, 3), (5, 7), (6, 2);
UPDATE q SET taken = 1 ORDER BY pri DESC LIMIT 2;
SELECT id FROM q WHERE taken = 1 ORDER BY id;
UPDATE q SET taken = 2 WHERE taken = 0 ORDER BY pri LIMIT 1;
SELECT id, taken FROM q ORDER BY id;
DELETE FROM q ORDER BY pri LIMIT 2;
SELECT id FROM q ORDER BY id;
DELETE FROM q WHERE taken = 1 ORDER BY id DESC LIMIT 1;
SELECT id FROM q ORDER BY id;
UPDATE q SET pri = pri * 10 LIMIT 0;
SELECT SUM(pri) FROM q;
DELETE FROM q LIMIT 10;
SELECT COUNT(*) FROM q;
-- Affected versus matched rows.
CREATE TABLE m (id INT PRIMARY KEY, v INT);
INSERT INTO m VALUES (1, 1), (2, 2), (3, 3);
UPDATE m SET v = 2 WHERE id <= 2;
UPDATE m SET v = v WHERE id > 0;
UPDATE m SET v = 5 WHERE id = 99;
DELETE FROM m WHERE id = 99;
DELETE FROM m WHERE v = 2;
SELECT * FROM m;
