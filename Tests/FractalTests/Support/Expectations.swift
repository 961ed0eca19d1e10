import Fractal
import Testing

/// Checks that `body` throws a FractalError of `kind` whose message names every one of `names`.
func expectFractalError(
    _ kind: FractalError.Kind, naming names: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    check(fractalError(body), kind, names, sourceLocation)
}

func expectFractalError(
    _ kind: FractalError.Kind, naming names: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async {
    check(await fractalError(body), kind, names, sourceLocation)
}

private func check(_ error: FractalError?, _ kind: FractalError.Kind, _ names: [String], _ sourceLocation: SourceLocation) {
    guard let error else {
        Issue.record("expected a FractalError of kind \(kind), got none", sourceLocation: sourceLocation)
        return
    }
    #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
    for name in names {
        #expect(error.description.contains(name), "'\(name)' missing from: \(error)", sourceLocation: sourceLocation)
    }
}
