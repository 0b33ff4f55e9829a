x = [ 'b' ] + [a 'c' d [Owners'] [Don't]]x] [# Fav's],
  format(score,'#,##0') [it'x''s] [N'' c [a /* ] */ [e -- f]
SELECT ##a /* x## */ ##b -- y##
SELECT ##c $$;$$ d## FROM t