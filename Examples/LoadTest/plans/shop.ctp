#CLIF test plan
#Tue Dec 01 12:00:00 UTC 2026
blade.2.id=cpu
blade.0.server=injectors1
blade.1.argument=../scenarios/browse.xis
blade.0.id=inj1
blade.2.probe=cpu
blade.1.server=injectors2
blade.0.injector=IsacRunner
blade.2.server=injectors1
blade.1.id=inj2
blade.0.argument=../scenarios/browse.xis
blade.1.injector=IsacRunner
blade.2.argument=1000 30
blade.0.comment=first injector
blade.1.comment=second injector
blade.2.comment=CPU of the first injector\u2019s node
