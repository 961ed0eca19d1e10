import ClifLauncher

// `clif` with the plug-ins this package ships. A program with its own plug-ins builds its own
// launcher on ClifLauncher the same way.
await ClifCommand.launch()
