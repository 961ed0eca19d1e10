#CLIF test plan
#Sat Dec 31 23:59:59 CET 2011
blade.0.id=inj1
blade.0.injector=IsacRunner
blade.0.server=local host
blade.0.argument=zeta.xis
blade.0.comment=
