import ArgumentParser
import Foundation
import FractalNIO
import FractalRemote

/// `--secret-file`, `--insecure-tcp`: how `tcp://` peers authenticate.
package struct SecretOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "A file of shared secrets, 'IDENTITY BASE64-KEY' per line, mode 0600 (fractal secret new --out FILE): tcp:// peers must prove they hold one; this side dials with the first. Without it, the secrets of $FRACTAL_SECRET.",
        valueName: "file"))
    var secretFile: String?

    @Flag(help: "Plain tcp:// without authentication: whoever reaches the port may run code here. Only for a throwaway test on one machine.")
    var insecureTcp = false

    package init() {}

    /// The authentication asked for: the secrets of `--secret-file` or `FRACTAL_SECRET`, none
    /// with `--insecure-tcp`, nil when neither was given.
    package func authentication() throws -> TCPAuthentication? {
        if insecureTcp {
            if secretFile != nil { throw ValidationError("--secret-file and --insecure-tcp exclude each other: choose one") }
            return TCPAuthentication.none
        }
        do {
            if let secretFile { return .sharedSecrets(try CommunitySecret.load(from: secretFile)) }
            if let text = ProcessInfo.processInfo.environment[CommunitySecret.environmentVariable], !text.isEmpty {
                return .sharedSecrets(try CommunitySecret.parse(text, file: "$" + CommunitySecret.environmentVariable))
            }
        } catch let error as SecretFileError {
            throw ValidationError(error.description)
        }
        return nil
    }

    /// The authentication of a launcher that listens at `listen` and reaches the nodes of
    /// `descriptor`: the one asked for; else a fresh secret, which only the node processes it
    /// starts itself get. A `tcp://` listener, or a node someone else started at a `tcp://`
    /// address, needs the community's secret (or `--insecure-tcp`) given explicitly.
    package func tcpAuthentication(listen: String?, reaching descriptor: DeploymentDescriptor) throws -> TCPAuthentication {
        if let asked = try authentication() {
            if case .none = asked { FileHandle.standardError.write(Data((Self.insecureWarning + "\n").utf8)) }
            return asked
        }
        if let listen, listen.hasPrefix("tcp://") { throw ValidationError(Self.missing(listen)) }
        for target in descriptor.virtualNodes.values.sorted(by: { $0.nodeName < $1.nodeName }) {
            switch target {
            case .node(let name, let address), .ssh(_, let name, _, let address):
                if address.hasPrefix("tcp://") {
                    throw ValidationError("""
                        the deployment reaches node \(name) at \(address): give the secret it was started with, --secret-file FILE \
                        (or --insecure-tcp, if it was started so)
                        """)
                }
            case .localProcess, .joining:
                break
            }
        }
        return .sharedSecret(.random())
    }

    /// What to tell someone who uses a `tcp://` address with no authentication.
    static func missing(_ address: String) -> String {
        """
        \(address) would let whoever reaches it run code here: give --secret-file FILE, the community's \
        shared secret (fractal secret new --out FILE makes one), or use tls:// (fractal certs); \
        --insecure-tcp only for a throwaway test on this machine
        """
    }

    /// The warning printed at start with `--insecure-tcp`.
    static let insecureWarning = "warning: --insecure-tcp: tcp:// connections are not authenticated; whoever reaches the port can deploy and run code here"
}

/// `fractal secret new`: a shared secret for the members of a community.
struct SecretCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secret", abstract: "Make shared secrets, which authenticate tcp:// connections between nodes.",
        subcommands: [New.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a new shared secret (32 random bytes) as a line of a secret file, or write it to --out.",
            discussion: "Hand the file to each node of the community (fractal node --secret-file FILE); a node accepts every secret of its file.")

        @Option(help: "The identity the secret is for: 'community', or a member's name (what a node's policy names).")
        var identity = "community"

        @Option(help: "Write the secret to this new file, mode 0600, instead of printing it.")
        var out: String?

        func run() throws {
            guard CommunitySecret.isValid(identity: identity) else {
                throw ValidationError("'\(identity)' is not an identity: 1 to 64 letters, digits, '.', '_', '-' or '@'")
            }
            let line = CommunitySecret.random(identity: identity).line + "\n"
            guard let out else {
                announce(line.trimmingCharacters(in: .newlines))
                return
            }
            let descriptor = open(out, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard descriptor >= 0 else {
                throw ValidationError("cannot create \(out): \(String(cString: strerror(errno)))\(errno == EEXIST ? " (it exists: a secret is never overwritten)" : "")")
            }
            defer { close(descriptor) }
            let bytes = Array(line.utf8)
            guard write(descriptor, bytes, bytes.count) == bytes.count else {
                throw ValidationError("cannot write \(out): \(String(cString: strerror(errno)))")
            }
            announce("wrote the secret for '\(identity)' to \(out) (mode 0600): hand it to each node, as --secret-file")
        }
    }
}
