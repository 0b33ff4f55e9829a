SELECT id FROM users --ed@corp.com
WHERE active