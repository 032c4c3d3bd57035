-- Secondary and unique indexes (not in the walking skeleton): KEY, UNIQUE KEY, CREATE INDEX,
-- unique violations through a secondary index, lookups and ranges that use them.
CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(100) NOT NULL, city VARCHAR(20),
  UNIQUE KEY uk_email (email), KEY idx_city (city));
INSERT INTO users VALUES (1, 'a@x.org', 'Oslo'), (2, 'b@x.org', 'Rome'), (3, 'c@x.org', 'Oslo');
-- error 1062
INSERT INTO users VALUES (4, 'a@x.org', 'Bern');
CREATE INDEX idx_city_email ON users (city, email);
-- error 1061
CREATE INDEX idx_city ON users (email);
SELECT id FROM users WHERE city = 'Oslo';
SELECT id FROM users WHERE email = 'b@x.org';
SELECT id FROM users WHERE city >= 'P' ORDER BY id;
UPDATE users SET email = 'd@x.org' WHERE id = 3;
-- error 1062
UPDATE users SET email = 'a@x.org' WHERE id = 2;
DROP INDEX idx_city ON users;
SELECT id, email FROM users ORDER BY email;
