-- Joins (not in the walking skeleton): inner, left, comma, self, with aliases and USING.
CREATE TABLE authors (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL);
CREATE TABLE books (id INT PRIMARY KEY, author_id INT, title VARCHAR(40) NOT NULL);
INSERT INTO authors VALUES (1, 'Ann'), (2, 'Bob'), (3, 'Cy');
INSERT INTO books VALUES (10, 1, 'A1'), (11, 1, 'A2'), (12, 2, 'B1'), (13, NULL, 'Orphan');
SELECT a.name, b.title FROM authors a JOIN books b ON b.author_id = a.id;
SELECT a.name, b.title FROM authors a LEFT JOIN books b ON b.author_id = a.id;
SELECT b.title, a.name FROM books b LEFT JOIN authors a ON a.id = b.author_id ORDER BY b.id;
SELECT a.name, b.title FROM authors a, books b WHERE a.id = b.author_id AND a.id = 1;
SELECT x.name AS first, y.name AS second FROM authors x JOIN authors y ON x.id < y.id;
SELECT title FROM books JOIN authors ON authors.id = books.author_id WHERE authors.name = 'Bob';
