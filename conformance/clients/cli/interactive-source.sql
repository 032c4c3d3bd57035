-- sourced interactively (`source FILE` at the mysql> prompt) by the mysql-cli runner
SELECT name FROM cli_t1 WHERE id = 2;
SELECT 'sourced' AS marker;
