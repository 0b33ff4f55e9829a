SELECT '''ed@corp.com
''', r'raw\' ed@corp.com', b'\x40', """x""" # c