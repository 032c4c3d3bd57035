-- ANALYZE TABLE: MySQL's result set (statistics for the join planner).
CREATE TABLE an1 (id INT PRIMARY KEY, v INT);
INSERT INTO an1 VALUES (1, 1), (2, 2), (3, 3);
ANALYZE TABLE an1;
ANALYZE LOCAL TABLE an1;
ANALYZE TABLE an1, nope;
SELECT COUNT(*) FROM an1 a JOIN an1 b ON a.v = b.id;
