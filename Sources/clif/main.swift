print("clif")
