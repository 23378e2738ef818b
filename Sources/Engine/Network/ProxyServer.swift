/// An HTTP proxy that requests go through: where it is and, when its URL carried them, the
/// credentials sent as `Proxy-Authorization` (never shown: `description` leaves them out).
public struct ProxyServer: Sendable, Hashable, CustomStringConvertible {
    public let host: String
    public let port: Int
    /// `user:password` as the URL gave it, percent-decoded; a secret.
    let credentials: String?
    /// The userinfo as written in the URL (percent-encoded), when it differs from `credentials`.
    private var writtenCredentials: String?

    /// Curl's default when a proxy URL names no port.
    public static let defaultPort = 1080

    /// Parses a proxy URL as curl does: `[http://][user:password@]host[:port][/]`. Other schemes
    /// (`https://`, `socks5://` …) and paths are refused with a reason that never repeats the
    /// credentials.
    public static func parse(_ text: String) throws(EngineError) -> ProxyServer {
        let shown = URLText.withoutCredentials(text)
        guard text.isVisibleASCII else { throw .configuration("the proxy \"\(URLText.printable(shown))\" holds spaces or control characters") }
        var rest = Substring(text)
        if let schemeEnd = text.firstRange(of: "://") {
            let scheme = text[..<schemeEnd.lowerBound].lowercased()
            guard scheme == "http" else {
                throw .configuration("the proxy \"\(shown)\" is a \(scheme):// proxy; fanout speaks to HTTP proxies only (http://host:port)")
            }
            rest = text[schemeEnd.upperBound...]
        }
        while rest.hasSuffix("/") { rest.removeLast() }
        guard !rest.contains("/"), !rest.contains("?"), !rest.contains("#") else {
            throw .configuration("the proxy \"\(shown)\" has a path; a proxy URL is http://host:port")
        }
        var credentials: String?
        var written: String?
        if let at = rest.lastIndex(of: "@") {
            written = String(rest[..<at])
            credentials = written?.removingPercentEncoding
            rest = rest[rest.index(after: at)...]
        }
        guard let (host, port) = URLText.hostAndPort(rest, defaultPort: defaultPort) else {
            throw .configuration("the proxy \"\(shown)\" is not a proxy URL like http://proxy.example.com:3128")
        }
        var server = ProxyServer(host: host, port: port, credentials: credentials)
        server.writtenCredentials = written == credentials ? nil : written
        return server
    }

    /// Every form in which this proxy's credentials could come back in an answer, for the redactor:
    /// `user:password` decoded and as written, the password alone, and the Base64 of
    /// `Proxy-Authorization` (a proxy may echo the header it was sent).
    public var secrets: [String] {
        guard let credentials else { return [] }
        var forms = [credentials, Base64.encode(Array(credentials.utf8))]
        if let writtenCredentials { forms.append(writtenCredentials) }
        if let colon = credentials.firstIndex(of: ":") {
            forms.append(String(credentials[credentials.index(after: colon)...]))
        }
        return forms
    }

    init(host: String, port: Int, credentials: String? = nil) {
        self.host = host
        self.port = port
        self.credentials = credentials.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The `Proxy-Authorization` value, when the URL carried credentials.
    var authorization: String? {
        credentials.map { "Basic " + Base64.encode(Array($0.utf8)) }
    }

    /// `http://host:port`, credentials left out (shown as `***@` when there are some).
    public var description: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return "http://\(credentials == nil ? "" : "***@")\(name):\(port)"
    }
}

extension String {
    /// `%XX` sequences decoded as UTF-8; nil when one is malformed or the bytes are not UTF-8.
    var removingPercentEncoding: String? {
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Standard base64 (RFC 4648), for `Proxy-Authorization: Basic`.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * $1.offset) }
            for position in 0..<4 {
                out.append(position <= chunk.count ? alphabet[Int(value >> (18 - 6 * position) & 0x3F)] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
