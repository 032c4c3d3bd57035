-- UPDATE: affected vs matched rows (the OK info string), expressions on the old value, no match.
CREATE TABLE stock (id INT PRIMARY KEY, item VARCHAR(20) NOT NULL, qty INT NOT NULL,
  price DECIMAL(8,2));
INSERT INTO stock VALUES (1, 'apple', 10, 0.50), (2, 'pear', 0, 0.75), (3, 'plum', 5, NULL),
  (4, 'fig', 7, 2.00);
UPDATE stock SET qty = qty + 1 WHERE id = 1;
UPDATE stock SET price = 1.00 WHERE price IS NULL;
UPDATE stock SET qty = 0 WHERE qty = 0;
UPDATE stock SET item = 'none' WHERE id = 99;
UPDATE stock SET qty = qty * 2, price = price + 0.25 WHERE qty > 4 AND price < 1.5;
UPDATE stock SET qty = 3;
SELECT * FROM stock ORDER BY id;
