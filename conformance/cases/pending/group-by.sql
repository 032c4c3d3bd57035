-- Aggregates and GROUP BY (not in the walking skeleton), with ONLY_FULL_GROUP_BY (1055).
CREATE TABLE sales (id INT PRIMARY KEY, region VARCHAR(10) NOT NULL, amount DECIMAL(8,2),
  units INT);
INSERT INTO sales VALUES (1, 'north', 10.00, 1), (2, 'north', 5.50, 2), (3, 'south', NULL, 3),
  (4, 'east', 7.25, NULL), (5, 'south', 1.00, 4);
SELECT COUNT(*), COUNT(amount), SUM(amount), MIN(units), MAX(units), AVG(units) FROM sales;
SELECT region, COUNT(*) AS n, SUM(amount) AS total FROM sales GROUP BY region;
SELECT region, SUM(units) AS u FROM sales GROUP BY region HAVING SUM(units) > 3;
SELECT region, COUNT(*) AS n FROM sales GROUP BY region ORDER BY n DESC, region;
SELECT COUNT(DISTINCT region) FROM sales;
-- error 1055
SELECT region, units FROM sales GROUP BY region;
