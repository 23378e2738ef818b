import NIOSSL

/// What a TLS connection to one endpoint trusts and presents: the system roots (or the ones
/// `SSL_CERT_FILE`/`SSL_CERT_DIR` name, which replace them as in OpenSSL), extra CA files added to
/// them (`--ca_file`, the endpoint's `ca_file`), a client certificate for mutual TLS, and whether
/// HTTP/2 is offered by ALPN.
public struct TLSSettings: Sendable, Hashable {
    /// `SSL_CERT_FILE`: a PEM bundle used instead of the system's.
    public var rootsFile: String?
    /// `SSL_CERT_DIR`: a directory of hashed certificates used instead of the system's.
    public var rootsDirectory: String?
    /// PEM files of extra authorities, trusted beside the roots.
    public var caFiles: [String] = []
    /// PEM certificate chain and key presented when the server asks for one.
    public var clientCertificate: String?
    public var clientKey: String?
    /// ALPN offers `h2` before `http/1.1` (off with `--http1`).
    public var offersHTTP2 = true

    public init() {}

    /// Whether the trust or the client certificate differs from the system's defaults (what a run
    /// checks at start and says on its route lines; the HTTP/2 offer does not count).
    public var isCustom: Bool {
        rootsFile != nil || rootsDirectory != nil || !caFiles.isEmpty || clientCertificate != nil || clientKey != nil
    }

    /// Roots from `SSL_CERT_FILE`/`SSL_CERT_DIR` in `environment` (empty values ignored).
    public init(environment: [String: String]) {
        rootsFile = environment["SSL_CERT_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        rootsDirectory = environment["SSL_CERT_DIR"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The client context for these settings. Every file is read now, so a missing file, a file
    /// that is not PEM, or a key that does not match its certificate is a clear error at start.
    public func makeContext() throws(EngineError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.applicationProtocols = offersHTTP2 ? ["h2", "http/1.1"] : ["http/1.1"]
        if let rootsDirectory {
            try Self.check(rootsDirectory, named: "SSL_CERT_DIR", directory: true)
            configuration.trustRoots = .file(rootsDirectory)
        }
        if let rootsFile {
            let certificates = try Self.certificates(rootsFile, named: "SSL_CERT_FILE")
            if rootsDirectory == nil { configuration.trustRoots = .certificates(certificates) } else {
                configuration.additionalTrustRoots.append(.certificates(certificates))
            }
        }
        for file in caFiles {
            configuration.additionalTrustRoots.append(.certificates(try Self.certificates(file, named: "ca_file")))
        }
        switch (clientCertificate, clientKey) {
        case (nil, nil): break
        case (let certificate?, let key?):
            let chain = try Self.certificates(certificate, named: "client_cert")
            configuration.certificateChain = chain.map { .certificate($0) }
            do {
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            } catch {
                try Self.check(key, named: "client_key", directory: false)
                throw .configuration("client_key \(key) is not a PEM private key (or it is encrypted; fanout reads unencrypted keys)")
            }
        default:
            throw .configuration("client_cert and client_key go together: set both for mutual TLS")
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            if clientCertificate != nil, "\(error)".contains("KEY_VALUES_MISMATCH") || "\(error)".contains("failedToLoadPrivateKey") {
                throw .configuration("client_key \(clientKey ?? "") does not match client_cert \(clientCertificate ?? "")")
            }
            throw .configuration("TLS could not be set up: \(error)")
        }
    }

    private static func certificates(_ path: String, named name: String) throws(EngineError) -> [NIOSSLCertificate] {
        try check(path, named: name, directory: false)
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw .configuration("\(name) \(path) holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        guard !certificates.isEmpty else { throw .configuration("\(name) \(path) holds no PEM certificate (-----BEGIN CERTIFICATE-----)") }
        return certificates
    }

    private static func check(_ path: String, named name: String, directory: Bool) throws(EngineError) {
        switch POSIXFile.kind(of: path) {
        case nil: throw .configuration("\(name) \(path) does not exist or cannot be read")
        case .directory? where !directory: throw .configuration("\(name) \(path) is a directory; it must be a PEM file")
        case .file? where directory: throw .configuration("\(name) \(path) is a file; it must be a directory of certificates")
        default: break
        }
    }
}
