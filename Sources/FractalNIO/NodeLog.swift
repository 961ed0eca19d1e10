import Foundation

/// Where the distribution layer says what it does about misbehaving peers: standard error.
enum NodeLog {
    static func warning(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }
}
