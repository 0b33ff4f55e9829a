SELECT name FROM users # owner ed@corp.com
WHERE id = 1