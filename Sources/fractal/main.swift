import FractalLauncher
import HelloWorldComponents

// `fractal` with the components this package ships. A program with its own components builds
// its own launcher the same way: register them, then run FractalCommand.
HelloWorldComponents.register()
await FractalCommand.launch()
