-- SELECT *, column lists, repeated columns, aliases, simple expressions and literals.
CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(30) NOT NULL, price DECIMAL(6,2),
  qty INT UNSIGNED);
INSERT INTO items VALUES (1, 'pen', 1.20, 10), (2, 'ink', 7.50, 0), (3, 'pad', NULL, 3);
SELECT * FROM items;
SELECT name, id FROM items;
SELECT id, id, name AS label FROM items;
SELECT items.name FROM items;
SELECT id * 10 AS tens, qty + 1 AS more, price FROM items;
SELECT 1, 'text', NULL, 2.50;
SELECT 1 AS one, -7 AS neg, 'it''s' AS quoted;
