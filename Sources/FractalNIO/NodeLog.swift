import Foundation

/// Where the distribution layer says what it does about misbehaving peers: standard error.
public enum NodeLog {
    public static func warning(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }
}
