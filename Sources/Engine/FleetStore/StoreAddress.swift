/// `--limits_store`: where a fleet's shared limits live, `redis://HOST:PORT[/DB]` or `rediss://` (TLS).
///
/// A password is never taken in the URL (it would show in `ps`, shell history and logs); it comes
/// from the environment. The URL shown anywhere is `display`, which never carries one.
public struct StoreAddress: Sendable, Hashable {
    public let host: String
    public let port: Int
    public let database: Int
    public let usesTLS: Bool
    /// An ACL user named in the URL (`redis://user@host`), without a password.
    public let user: String?

    public static let defaultPort = 6379

    /// Why a URL was refused: one sentence for the user, never the password.
    public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
    }

    public init(_ text: String) throws(Refusal) {
        let scheme: String
        if text.hasPrefix("redis://") { scheme = "redis://" } else if text.hasPrefix("rediss://") { scheme = "rediss://" } else {
            throw Refusal(description: "--limits_store takes redis://HOST:PORT[/DB] or rediss://HOST:PORT[/DB] (TLS), e.g. redis://127.0.0.1:6379")
        }
        usesTLS = scheme == "rediss://"
        var rest = Substring(text.dropFirst(scheme.count))
        var path = Substring("")
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            if credentials.contains(":") {
                throw Refusal(description: "--limits_store: a password is not taken in the URL; put it in $REDIS_PASSWORD or the variable --limits_store_password_env names")
            }
            user = credentials.isEmpty ? nil : String(credentials)
            rest = rest[rest.index(after: at)...]
        } else {
            user = nil
        }
        let hostPart: Substring
        var portPart: Substring?
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            hostPart = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { portPart = after.dropFirst() } else if !after.isEmpty { throw Self.badHost(text) }
        } else if let colon = rest.lastIndex(of: ":") {
            hostPart = rest[..<colon]
            portPart = rest[rest.index(after: colon)...]
        } else {
            hostPart = rest
        }
        guard !hostPart.isEmpty, hostPart.allSatisfy({ $0.isLetter || $0.isNumber || ".-_:".contains($0) }) else { throw Self.badHost(text) }
        host = String(hostPart)
        if let portPart {
            guard let port = Int(portPart), (1...65535).contains(port) else {
                throw Refusal(description: "--limits_store: the port must be a number from 1 to 65535, not \"\(Self.shown(portPart))\"")
            }
            self.port = port
        } else {
            port = Self.defaultPort
        }
        if path.isEmpty {
            database = 0
        } else {
            guard let database = Int(path), (0...9999).contains(database) else {
                throw Refusal(description: "--limits_store: the path is the database number (redis://HOST:PORT/DB), not \"/\(Self.shown(path))\"")
            }
            self.database = database
        }
    }

    /// The URL as shown on screens, in logs and in `/v1/status`: no password, ever.
    public var display: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return (usesTLS ? "rediss://" : "redis://") + (user.map { "\($0)@" } ?? "") + "\(shownHost):\(port)" + (database == 0 ? "" : "/\(database)")
    }

    private static func badHost(_ text: String) -> Refusal {
        Refusal(description: "--limits_store needs a host, e.g. redis://127.0.0.1:6379, not \"\(shown(Substring(text)))\"")
    }

    /// A piece of the user's text, short and safe to print (a URL refused here had no password).
    private static func shown(_ text: Substring) -> String {
        String(TerminalText.sanitized(String(text.prefix(60)), keepsLayout: false))
    }
}
