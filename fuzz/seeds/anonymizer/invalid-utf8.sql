SELECT 'ed@corp.comÿþ' -- À¯ bob@corp.com
, 'í €x@corp.com'