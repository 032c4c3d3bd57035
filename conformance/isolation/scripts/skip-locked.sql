# SKIP LOCKED: workers take the next free job from a queue without waiting for each other
setup: CREATE TABLE jobs (id INT PRIMARY KEY, state INT NOT NULL);
setup: INSERT INTO jobs VALUES (1, 0), (2, 0), (3, 0), (4, 0);
a: BEGIN;
a: SELECT id FROM jobs ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED;
b: BEGIN;
b: SELECT id FROM jobs ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED;
c: BEGIN;
c: SELECT id FROM jobs ORDER BY id FOR UPDATE SKIP LOCKED;
a: UPDATE jobs SET state = 1 WHERE id = 1;
a: COMMIT;
b: UPDATE jobs SET state = 1 WHERE id = 2;
b: COMMIT;
c: COMMIT;
a: SELECT id, state FROM jobs ORDER BY id;
