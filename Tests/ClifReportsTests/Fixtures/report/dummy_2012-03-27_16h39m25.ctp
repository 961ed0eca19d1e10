#CLIF test plan
#Tue Mar 27 16:39:25 CEST 2012
blade.1.server=node2
blade.0.comment=
blade.2.probe=org.ow2.clif.probe.cpu.Insert
blade.0.argument=dummy.xis threads\=10
blade.2.id=cpu0
blade.1.id=inj2
blade.2.comment=cpu of node2
blade.0.injector=IsacRunner
blade.1.comment=second injector
blade.1.argument=dummy.xis
blade.2.server=node2
blade.0.server=local host
blade.1.injector=IsacRunner
blade.2.argument=1000 5
blade.0.id=inj1
