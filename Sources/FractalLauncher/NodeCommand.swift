import ArgumentParser
import Logging
import Fractal
import FractalNIO
import FractalRemote
import Foundation

/// `fractal node`: a daemon that hosts components for remote factories.
package struct NodeCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Host components for remote factories: listen for a coordinator, or dial out to one.",
        discussion: """
        Examples:
          node --listen tcp://0.0.0.0:7001 --name n1 --secret-file community.secret   (a deployment names it <node name="n1" address="tcp://HOST:7001"/>)
          node --join tcp://coordinator:7000 --name n2 --secret-file community.secret (behind NAT: <joining-node name="n2"/>)
          node --listen tls://0.0.0.0:7001 --name n1 --cert n1.pem --key n1.key --ca ca.pem
          node --listen tcp://127.0.0.1:7001 --name n1 --insecure-tcp              (a throwaway test on this machine)
        """)

    package init() {}

    @Option(help: "This node's name (unique in a deployment).")
    var name: String

    @Option(help: "Listen at this address (tcp://127.0.0.1:7001; port 0 picks one).")
    var listen: String?

    @Option(help: "Dial out to a coordinator at this address and serve over that connection (repeatable).")
    var join: [String] = []

    @Option(help: "Seconds without a heartbeat before a peer is declared lost.")
    var lossTimeout: Double = 3

    @Option(help: "Seconds a call this node makes to another node waits for its reply.")
    var callDeadline: Double = 30

    @OptionGroup var tls: TLSOptions

    @OptionGroup var secrets: SecretOptions

    package func validate() throws {
        if listen == nil && join.isEmpty { throw ValidationError("give --listen ADDRESS, --join ADDRESS, or both") }
        if !(lossTimeout > 0) { throw ValidationError("--loss-timeout must be a number of seconds above 0") }
        if !(callDeadline > 0) { throw ValidationError("--call-deadline must be a number of seconds above 0") }
        if let names = try tls.identity()?.nodeNames(), !names.contains(name) {
            throw ValidationError("--name \(name), but --cert is for \(names.map { "'\($0)'" }.joined(separator: ", ")): other nodes would refuse it")
        }
        if let plain = ([listen].compactMap { $0 } + join).first(where: { $0.hasPrefix("tcp://") }), try secrets.authentication() == nil {
            throw ValidationError(SecretOptions.missing(plain))
        }
    }

    package func run() async throws {
        var options = PeerOptions(lossTimeout: lossTimeout)
        options.callDeadline = .milliseconds(Int64(callDeadline * 1000))
        options.logger = Logger.launcher("fractal.node")
        let authentication = try secrets.authentication() ?? .none
        if case .none = authentication, secrets.insecureTcp { FileHandle.standardError.write(Data((SecretOptions.insecureWarning + "\n").utf8)) }
        let node = Node(name: name, transports: try Transports.make(tls.identity(), tcp: authentication), options: options)
        let daemon = NodeDaemon(node: node, listen: try listen.map(NodeAddress.init(parsing:)),
                                join: try join.map(NodeAddress.init(parsing:)), say: announce)
        try await NodeDaemon.runUntilTerminated(daemon)
    }
}

extension PeerOptions {
    /// Options with a loss timeout of `seconds`, and heartbeats six times as often.
    init(lossTimeout seconds: Double) {
        self.init()
        lossTimeout = .milliseconds(Int64(seconds * 1000))
        heartbeatInterval = .milliseconds(Int64(max(seconds / 6, 0.05) * 1000))
    }
}

/// One line on standard output, flushed: launchers wait for these.
func announce(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// The transports the `fractal` command knows: TCP, in-memory, and TLS when given an identity.
enum Transports {
    static func make(_ identity: TLSIdentity?, tcp: TCPAuthentication) throws -> TransportRegistry {
        var registry = TransportRegistry([TCPTransport(authentication: tcp), MemoryTransport()])
        if let identity { registry.register(try TCPTransport(tls: identity)) }
        return registry
    }
}

/// `--cert`, `--key`, `--ca`: a node's identity for `tls://` addresses.
struct TLSOptions: ParsableArguments {
    @Option(help: "This node's certificate (PEM), signed by the community's CA; enables tls:// addresses.")
    var cert: String?

    @Option(help: "The private key of --cert (PEM).")
    var key: String?

    @Option(help: "The community's CA certificate (PEM): peers must present a certificate it signed.")
    var ca: String?

    @Option(help: ArgumentHelp("The community's revocation list (fractal certs --revoke): certificates refused though the CA signed them. Default: revoked.txt beside --ca, if there is one.", valueName: "file"))
    var revoked: String?

    func identity() throws -> TLSIdentity? {
        switch (cert, key, ca) {
        case (nil, nil, nil):
            if revoked != nil { throw ValidationError("--revoked goes with --cert, --key and --ca") }
            return nil
        case let (cert?, key?, ca?):
            let identity = TLSIdentity(certificatePath: cert, privateKeyPath: key, certificateAuthorityPath: ca, revocationListPath: revoked)
            do { _ = try identity.revocationList() } catch let error as RevocationListError { throw ValidationError(error.description) }
            return identity
        default: throw ValidationError("TLS needs all three of --cert, --key and --ca")
        }
    }
}

/// `fractal certs`: a community CA and node certificates, for TLS between nodes.
struct CertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Make a CA (unless the folder has one) and a certificate for each node; or revoke a node's certificates.",
        discussion: """
        The CA's key is kept apart, in --ca-key-folder (by default <out>-ca): never hand it out.
        Examples:
          certs --out certs launcher n1 n2        (ca.pem, and NAME.pem + NAME.key for each)
          certs --out certs --revoke n2           (adds n2's certificates to certs/revoked.txt: hand it to every node)
        """)

    @Option(help: "The folder for ca.pem, <node>.pem and <node>.key.")
    var out: String

    @Option(help: "The folder the CA's private key is kept in (default: <out>-ca).")
    var caKeyFolder: String?

    @Option(help: "Revoke every certificate issued to this node (repeatable): they are added to <out>/revoked.txt.")
    var revoke: [String] = []

    @Argument(help: "Node names.")
    var nodes: [String] = []

    func validate() throws {
        if nodes.isEmpty && revoke.isEmpty { throw ValidationError("name the nodes to make certificates for, or --revoke NODE") }
        if let both = nodes.first(where: revoke.contains) { throw ValidationError("'\(both)' is both revoked and given a new certificate: do one, then the other") }
    }

    func run() throws {
        let keyFolder = caKeyFolder ?? CertificateAuthority.keyFolder(for: out)
        let list = (out as NSString).appendingPathComponent(CertificateAuthority.revocationListName)
        for node in revoke {
            let serials = try CertificateAuthority.revoke(node, in: out, keyFolder: keyFolder)
            announce(serials.isEmpty ? "the certificates of \(node) were revoked already (\(list))"
                                     : "revoked \(serials.count) certificate\(serials.count == 1 ? "" : "s") of \(node) in \(list): hand it to every node, beside ca.pem")
        }
        guard !nodes.isEmpty else { return }
        try CertificateAuthority.make(in: out, nodes: nodes, keyFolder: keyFolder)
        announce("wrote \((["ca"] + nodes).map { "\($0).pem" }.joined(separator: ", ")) in \(out)")
        announce("the CA key is \((keyFolder as NSString).appendingPathComponent("ca.key")) (mode 0600): keep it there, never hand it out")
        let handed = FileManager.default.fileExists(atPath: list) ? ["ca.pem", CertificateAuthority.revocationListName] : ["ca.pem"]
        for node in nodes {
            announce("hand node \(node): \((handed + [node + ".pem", node + ".key"]).map { (out as NSString).appendingPathComponent($0) }.joined(separator: " "))")
        }
    }
}
