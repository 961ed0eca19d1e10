import Dispatch
import Foundation
import Synchronization

/// Ctrl-C during a run: stop the load, still report.
enum Interrupt {
    static func onSIGINT(_ action: @escaping @Sendable () -> Void) -> any DispatchSourceSignal {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { @Sendable in action() }
        source.resume()
        return source
    }
}

final class InterruptFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .relaxed) }
    var isSet: Bool { flag.load(ordering: .relaxed) }
}
