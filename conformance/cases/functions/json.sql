-- JSON functions (MariaDB 10.11 has no CAST(… AS JSON) nor ->: those statements expect its
-- errors; MariaDB keeps object keys in document order where MySQL 8 sorts them).
SELECT JSON_OBJECT('id', 87, 'name', 'carrot');
SELECT JSON_ARRAY(1, 'abc', NULL, 1.50);
SELECT JSON_EXTRACT('[10, 20, [30, 40]]', '$[1]');
SELECT JSON_EXTRACT('[10, 20, [30, 40]]', '$[1]', '$[0]');
SELECT JSON_EXTRACT('[10, 20, [30, 40]]', '$[2][*]');
SELECT JSON_EXTRACT('{"a": {"b": 1}}', '$.a.b');
SELECT JSON_EXTRACT('{"a": 1}', '$.b');
SELECT JSON_EXTRACT('[1, 2, 3]', '$[last]');
SELECT JSON_UNQUOTE(JSON_EXTRACT('{"a": "x"}', '$.a'));
SELECT JSON_UNQUOTE('"abc"');
SELECT JSON_UNQUOTE('abc');
SELECT JSON_QUOTE('null');
SELECT JSON_QUOTE('"x"');
SELECT CONCAT(JSON_CONTAINS('{"a": 1, "b": 2}', '1', '$.a'));
SELECT CONCAT(JSON_CONTAINS('{"a": 1, "b": 2}', '{"a": 1}'));
SELECT CONCAT(JSON_CONTAINS('[1, 2, [3]]', '[3]'));
SELECT CONCAT(JSON_CONTAINS('[1, 2]', '3'));
SELECT CONCAT(JSON_CONTAINS_PATH('{"a": 1, "b": 2}', 'one', '$.a', '$.e'));
SELECT CONCAT(JSON_CONTAINS_PATH('{"a": 1, "b": 2}', 'all', '$.a', '$.e'));
SELECT JSON_KEYS('{"a": 1, "b": {"c": 30}}');
-- error 1054
SELECT a;
SELECT JSON_KEYS('{"a": 1, "b": {"c": 30}}', '$.b');
SELECT CONCAT(JSON_LENGTH('[1, 2, {"a": 3}]'));
SELECT CONCAT(JSON_LENGTH('{"a": 1, "b": {"c": 30}}', '$.b'));
SELECT CONCAT(JSON_DEPTH('[10, {"a": 20}]'));
SELECT JSON_TYPE('[1]');
SELECT JSON_TYPE('"a"');
SELECT JSON_TYPE('1.5');
SELECT CONCAT(JSON_VALID('{"a": 1}'));
SELECT JSON_VALID('hello');
SELECT JSON_SET('{"a": 1, "b": [2, 3]}', '$.a', 10, '$.c', '[true, false]');
SELECT JSON_INSERT('{"a": 1, "b": [2, 3]}', '$.a', 10, '$.c', '[true, false]');
SELECT JSON_REPLACE('{"a": 1, "b": [2, 3]}', '$.a', 10, '$.c', '[true, false]');
SELECT JSON_REMOVE('["a", ["b", "c"], "d"]', '$[1]');
-- error 1054
SELECT a;
SELECT JSON_ARRAY_APPEND('["a", ["b", "c"], "d"]', '$[1]', 1);
-- error 1054
SELECT a;
-- error 1054
SELECT b;
SELECT JSON_MERGE_PRESERVE('[1, 2]', '[true, false]');
SELECT JSON_MERGE_PRESERVE('{"name": "x"}', '{"id": 47}');
SELECT JSON_MERGE_PATCH('{"a": 1, "b": 2}', '{"a": 3, "c": 4}');
SELECT JSON_MERGE_PATCH('{"a": 1, "b": 2}', '{"b": null}');
SELECT JSON_SEARCH('["abc", [{"k": "10"}, "def"], {"x": "abc"}]', 'one', 'abc');
SELECT JSON_SEARCH('["abc", [{"k": "10"}, "def"], {"x": "abc"}]', 'all', 'abc');
-- error 1064
SELECT $[0];
SELECT JSON_SEARCH('["abc"]', 'all', 'z%');
SELECT JSON_PRETTY('[1, {"a": 2}]');
-- error 1064
SELECT CAST('{"a": [1, 2]}' AS JSON) -> '$.a[1]';
-- error 1064
SELECT CAST('{"a": "x"}' AS JSON) ->> '$.a';
-- error 1064
SELECT CAST('[1, 2]' AS JSON) = CAST('[1, 2]' AS JSON);
-- error 1064
SELECT CAST('1' AS JSON) = 1;
-- error 1064
SELECT CAST('"a"' AS JSON) = 'a';
