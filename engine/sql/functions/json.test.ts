/** JSON functions and JSON comparison against MySQL 8's answers. */
import { describe, expect, it } from 'vitest';
import { compareJson, parseJson, serializeJson } from '../json.js';
import { errors, table } from './testing.js';

describe('the JSON model', () => {
  it('sorts object keys by length then bytes, keeps the last duplicate', () => {
    expect(serializeJson(parseJson('{"bb": 1, "a": 2, "c": 3, "a": 4}'))).toBe(
      '{"a": 4, "c": 3, "bb": 1}',
    );
  });
  it('prints doubles with .0 and keeps integers exact', () => {
    expect(serializeJson(parseJson('[1.0, 2, 18446744073709551615, 1e20, -0.5]'))).toBe(
      '[1.0, 2, 18446744073709551615, 1e20, -0.5]',
    );
  });
  it('compares by type precedence, then value', () => {
    const order = [
      'null',
      '-1',
      '1.5',
      '2',
      '"a"',
      '"b"',
      '{"a": 1}',
      '[1]',
      '[1, 2]',
      'false',
      'true',
    ];
    for (let i = 0; i + 1 < order.length; i++) {
      const a = parseJson(order[i] as string);
      const b = parseJson(order[i + 1] as string);
      expect([order[i], compareJson(a, b) < 0]).toEqual([order[i], true]);
    }
    expect(compareJson(parseJson('1'), parseJson('1.0'))).toBe(0);
  });
});

describe('JSON functions', () => {
  table([
    ["JSON_OBJECT('id', 87, 'name', 'carrot')", '{"id": 87, "name": "carrot"}'],
    ["JSON_ARRAY(1, 'abc', NULL, 1.50)", '[1, "abc", null, 1.50]'],
    ["JSON_EXTRACT('[10, 20, [30, 40]]', '$[1]')", '20'],
    ["JSON_EXTRACT('[10, 20, [30, 40]]', '$[1]', '$[0]')", '[20, 10]'],
    ["JSON_EXTRACT('[10, 20, [30, 40]]', '$[2][*]')", '[30, 40]'],
    ['JSON_EXTRACT(\'{"a": {"b": 1}}\', \'$.a.b\')', '1'],
    ["JSON_EXTRACT('{\"a\": 1}', '$.b')", null],
    ["JSON_EXTRACT('[1, 2, 3]', '$[last]')", '3'],
    ['JSON_UNQUOTE(JSON_EXTRACT(\'{"a": "x"}\', \'$.a\'))', 'x'],
    ['JSON_UNQUOTE(\'"abc"\')', 'abc'],
    ["JSON_UNQUOTE('abc')", 'abc'],
    ["JSON_QUOTE('null')", '"null"'],
    ['JSON_QUOTE(\'"x"\')', '"\\"x\\""'],
    ["JSON_CONTAINS('{\"a\": 1, \"b\": 2}', '1', '$.a')", '1'],
    ['JSON_CONTAINS(\'{"a": 1, "b": 2}\', \'{"a": 1}\')', '1'],
    ["JSON_CONTAINS('[1, 2, [3]]', '[3]')", '1'],
    ["JSON_CONTAINS('[1, 2]', '3')", '0'],
    ["JSON_CONTAINS_PATH('{\"a\": 1, \"b\": 2}', 'one', '$.a', '$.e')", '1'],
    ["JSON_CONTAINS_PATH('{\"a\": 1, \"b\": 2}', 'all', '$.a', '$.e')", '0'],
    ['JSON_KEYS(\'{"a": 1, "b": {"c": 30}}\')', '["a", "b"]'],
    ['JSON_KEYS(\'{"a": 1, "b": {"c": 30}}\', \'$.b\')', '["c"]'],
    ['JSON_LENGTH(\'[1, 2, {"a": 3}]\')', '3'],
    ['JSON_LENGTH(\'{"a": 1, "b": {"c": 30}}\', \'$.b\')', '1'],
    ['JSON_DEPTH(\'[10, {"a": 20}]\')', '3'],
    ["JSON_TYPE('[1]')", 'ARRAY'],
    ['JSON_TYPE(\'"a"\')', 'STRING'],
    ["JSON_TYPE('1.5')", 'DOUBLE'],
    ['JSON_VALID(\'{"a": 1}\')', '1'],
    ["JSON_VALID('hello')", '0'],
    [
      "JSON_SET('{\"a\": 1, \"b\": [2, 3]}', '$.a', 10, '$.c', '[true, false]')",
      '{"a": 10, "b": [2, 3], "c": "[true, false]"}',
    ],
    [
      "JSON_INSERT('{\"a\": 1, \"b\": [2, 3]}', '$.a', 10, '$.c', '[true, false]')",
      '{"a": 1, "b": [2, 3], "c": "[true, false]"}',
    ],
    [
      "JSON_REPLACE('{\"a\": 1, \"b\": [2, 3]}', '$.a', 10, '$.c', '[true, false]')",
      '{"a": 10, "b": [2, 3]}',
    ],
    ['JSON_REMOVE(\'["a", ["b", "c"], "d"]\', \'$[1]\')', '["a", "d"]'],
    ['JSON_ARRAY_APPEND(\'["a", ["b", "c"], "d"]\', \'$[1]\', 1)', '["a", ["b", "c", 1], "d"]'],
    ["JSON_MERGE_PRESERVE('[1, 2]', '[true, false]')", '[1, 2, true, false]'],
    ['JSON_MERGE_PRESERVE(\'{"name": "x"}\', \'{"id": 47}\')', '{"id": 47, "name": "x"}'],
    ['JSON_MERGE_PATCH(\'{"a": 1, "b": 2}\', \'{"a": 3, "c": 4}\')', '{"a": 3, "b": 2, "c": 4}'],
    ['JSON_MERGE_PATCH(\'{"a": 1, "b": 2}\', \'{"b": null}\')', '{"a": 1}'],
    ['JSON_SEARCH(\'["abc", [{"k": "10"}, "def"], {"x": "abc"}]\', \'one\', \'abc\')', '"$[0]"'],
    [
      'JSON_SEARCH(\'["abc", [{"k": "10"}, "def"], {"x": "abc"}]\', \'all\', \'abc\')',
      '["$[0]", "$[2].x"]',
    ],
    ["JSON_SEARCH('[\"abc\"]', 'all', 'z%')", null],
    ['JSON_PRETTY(\'[1, {"a": 2}]\')', '[\n  1,\n  {\n    "a": 2\n  }\n]'],
    ["CAST('{\"a\": [1, 2]}' AS JSON) -> '$.a[1]'", '2'],
    ['CAST(\'{"a": "x"}\' AS JSON) ->> \'$.a\'', 'x'],
    ["CAST('[1, 2]' AS JSON) = CAST('[1, 2]' AS JSON)", '1'],
    ["CAST('1' AS JSON) = 1", '1'],
    ["CAST('\"a\"' AS JSON) = 'a'", '1'],
  ]);
});

describe('JSON errors', () => {
  errors([
    ["JSON_EXTRACT('{bad', '$')", 3141],
    ["JSON_EXTRACT('{}', 'x')", 3143],
    ["JSON_OBJECT('a')", 1582],
    ['JSON_OBJECT(NULL, 1)', 3158],
    ["JSON_SET('{}', '$.*', 1)", 3149],
  ]);
});
