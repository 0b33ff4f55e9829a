SELECT 1 // ed@corp.com
, 'a\'b@corp.com'