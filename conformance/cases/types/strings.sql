-- VARCHAR, CHAR (trailing spaces removed on read), TEXT; length limits in strict mode (1406);
-- quotes, backslashes, unicode; comparison is case-insensitive in the default collation.
CREATE TABLE s (id INT PRIMARY KEY, v VARCHAR(5), c CHAR(4), t TEXT);
INSERT INTO s VALUES (1, 'abc', 'ab', 'a long text'), (2, '', '', ''), (3, NULL, NULL, NULL);
INSERT INTO s VALUES (4, 'it''s', 'x\'y', 'line1\nline2\ttab\\slash');
INSERT INTO s VALUES (5, 'ünï', 'çé', 'emoji 😀 and 中文');
INSERT INTO s VALUES (6, 'a  ', 'b  ', 'c  ');
-- error 1406
INSERT INTO s (id, v) VALUES (7, 'toolong');
-- error 1406
INSERT INTO s (id, c) VALUES (8, 'abcde');
SELECT * FROM s ORDER BY id;
SELECT id FROM s WHERE v = 'ABC';
SELECT id FROM s WHERE c = 'AB';
SELECT id FROM s WHERE v = '';
SELECT id FROM s WHERE v IS NULL;
