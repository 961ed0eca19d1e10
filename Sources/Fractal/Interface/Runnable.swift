/// The interface launchers call to run an application (Fractal's `java.lang.Runnable`).
///
/// `fractal run` calls `run()` on the top component's server interface of this signature, if it
/// has one. It is registered as `fractal.Runnable` and, so that Fractal ADL written for Java
/// loads unchanged, as `java.lang.Runnable`.
@Interface("fractal.Runnable")
public protocol Runnable: Sendable {
    func run() async throws
}
