/// Where a run's control endpoint listens: a Unix socket or a TCP address.
public enum ControlAddress: Sendable, Hashable, CustomStringConvertible {
    case socket(path: String)
    case tcp(host: String, port: Int)

    /// The longest socket path the kernel takes (`sun_path` holds 108 bytes with the terminating zero).
    public static let maxSocketPathBytes = 107

    /// Reads `PATH` (anything with a `/`), `HOST:PORT` or `[IPv6]:PORT`; nil for neither.
    public init?(_ text: String) {
        if text.contains("/") {
            self = .socket(path: text)
            return
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, host.allSatisfy({ !$0.isWhitespace }) else { return nil }
        self = .tcp(host: host, port: port)
    }

    public var description: String {
        switch self {
        case .socket(let path): path
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }

    public var isTCP: Bool {
        if case .tcp = self { return true }
        return false
    }

    /// Whether only this machine can reach it: a socket, or TCP bound to a loopback address.
    public var isLocalOnly: Bool {
        switch self {
        case .socket: true
        case .tcp(let host, _): host == "localhost" || host == "::1" || host.hasPrefix("127.")
        }
    }
}
