import ClifCore
import Fractal

/// Where an injector sends its action events, a batch about every second (a data collector).
@Interface("clif.ActionSink")
public protocol ActionSink: Sendable {
    func receive(_ events: [ActionEvent]) async throws
}
