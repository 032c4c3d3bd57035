-- The walking skeleton's kind of schema: integer, string, decimal and datetime columns with
-- primary keys, multi-row INSERTs with quotes, backslashes, newlines, unicode and NULLs.
CREATE TABLE authors (
  id INT NOT NULL PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  email VARCHAR(255),
  created_at DATETIME NOT NULL
);
CREATE TABLE posts (
  id BIGINT NOT NULL PRIMARY KEY,
  author_id INT NOT NULL,
  title VARCHAR(200) NOT NULL,
  body TEXT,
  price DECIMAL(10,2),
  code CHAR(3)
);
INSERT INTO authors VALUES (1, 'Ann', 'ann@example.com', '2024-01-02 03:04:05'),
  (2, 'Bob', NULL, '2024-02-29 23:59:59'), (3, 'Cé "quote"', 'c''e@example.com', '2000-01-01 00:00:00');
INSERT INTO posts VALUES (1, 1, 'Hello', 'line1\nline2', 9.99, 'abc'),
  (2, 2, 'Back\\slash', NULL, NULL, NULL), (3, 3, 'ünïcödé ✓', 'tab\there', -0.50, 'xyz');
