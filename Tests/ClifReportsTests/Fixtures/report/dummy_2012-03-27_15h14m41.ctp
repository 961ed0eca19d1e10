#CLIF test plan
#Tue Mar 27 15:14:41 CEST 2012
blade.0.id=inj1
blade.0.comment=
blade.0.argument=dummy.xis
blade.0.injector=IsacRunner
blade.0.server=local host
