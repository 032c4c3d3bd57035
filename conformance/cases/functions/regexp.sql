-- REGEXP / RLIKE and the REGEXP_* functions (MariaDB 10.11 has no REGEXP_LIKE and only the
-- two-argument REGEXP_INSTR / SUBSTR / REPLACE: those statements expect its 1305 / 1582).
SELECT CONCAT('Michael!' REGEXP '.*');
SELECT CONCAT('new*\n*line' REGEXP 'new\*.\*line');
SELECT CONCAT('a' REGEXP '^[a-d]');
SELECT CONCAT('ABC' REGEXP 'abc');
SELECT CONCAT('abc' NOT REGEXP 'x');
-- error 1305
SELECT REGEXP_LIKE('CamelCase', 'CAMELCASE');
-- error 1305
SELECT REGEXP_LIKE('CamelCase', 'CAMELCASE', 'c');
-- error 1305
SELECT REGEXP_LIKE('fo\r\nfo', '^f.*$', 'm');
-- error 1305
SELECT REGEXP_LIKE('abc', '[[:alpha:]]+');
SELECT CONCAT(REGEXP_INSTR('dog cat dog', 'dog'));
-- error 1582
SELECT REGEXP_INSTR('dog cat dog', 'dog', 2);
SELECT CONCAT(REGEXP_INSTR('aa aaa aaaa', 'a{4}'));
-- error 1582
SELECT REGEXP_INSTR('aa aaa aaaa', 'a{3}', 1, 2, 1);
-- error 1582
SELECT REGEXP_SUBSTR('abc def ghi', '[a-z]+', 1, 3);
SELECT REGEXP_REPLACE('a b c', 'b', 'X');
-- error 1582
SELECT REGEXP_REPLACE('abc def ghi', '[a-z]+', 'X', 1, 3);
SELECT REGEXP_REPLACE('abc', '(b)', '[$1]');
