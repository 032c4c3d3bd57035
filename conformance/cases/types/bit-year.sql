-- BIT(n) (values shown through +0, BIN() and HEX(): the raw bytes are binary) and b'…' / 0x…
-- literals; YEAR's two- and four-digit forms.
CREATE TABLE b (id INT PRIMARY KEY, b1 BIT, b8 BIT(8), b64 BIT(64), y YEAR);
INSERT INTO b VALUES (1, 1, b'10101010', 18446744073709551615, 2024);
INSERT INTO b VALUES (2, 0, 0x0F, 0, '24'), (3, b'1', 255, b'1', 0), (4, NULL, NULL, NULL, NULL);
INSERT INTO b VALUES (5, 0, 'a', 1, '0');
SELECT id, b1 + 0, b8 + 0, b64 + 0, y FROM b ORDER BY id;
SELECT id, BIN(b8), HEX(b64), OCT(b8) FROM b ORDER BY id;
SELECT id FROM b WHERE b8 = 255;
SELECT id FROM b WHERE b8 > 10 ORDER BY id;
SELECT id, y + 0 FROM b WHERE y > 2000 ORDER BY id;
-- error 1406
INSERT INTO b (id, b1) VALUES (10, 2);
-- error 1406
INSERT INTO b (id, b8) VALUES (11, 256);
-- error 1264
INSERT INTO b (id, y) VALUES (12, 3000);
SELECT b'1010' + 0, b'11111111' + 0, 0x10 + 0, x'FF' + 1;
SELECT HEX(b'1010'), HEX(0xABCDEF), HEX(X'0a');
SELECT 0x41 = 'A', X'616263' = 'abc';
SELECT CONCAT('x', 0x41);
