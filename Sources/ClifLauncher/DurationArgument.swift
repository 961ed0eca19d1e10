import ArgumentParser

/// A duration written `30s`, `500ms`, `2m`, `1h` or a plain number of seconds.
struct DurationArgument: ExpressibleByArgument, Sendable {
    let seconds: Double

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            // "ms" ends with "s": try the longer suffix first (the order above).
            guard let value = Double(number), value > 0 else { continue }
            seconds = value * scale
            return
        }
        guard let value = Double(text), value > 0 else { return nil }
        seconds = value
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

import Foundation
