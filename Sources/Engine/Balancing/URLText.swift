extension String {
    /// Printable ASCII and no space (0x21–0x7E): what a URL, a request path or a bearer key may hold;
    /// a CR or LF in one would split the request.
    var isVisibleASCII: Bool { utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F } }
}

/// URL text made safe to print: credentials (`user:password@`) are replaced before a URL reaches a
/// message, a log or the screen.
public enum URLText {
    /// `http://user:secret@host/v1` → `http://***@host/v1`; other text unchanged.
    public static func withoutCredentials(_ text: String) -> String {
        guard let schemeEnd = text.firstRange(of: "://") else { return text }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return text }
        return String(text[..<schemeEnd.upperBound]) + "***" + String(rest[at...])
    }

    /// Whether the URL's authority holds user information.
    public static func hasCredentials(_ text: String) -> Bool { withoutCredentials(text) != text }

    /// `host[:port]` or `[v6]:port` split into the host (brackets removed) and the port, which
    /// must be 1–65535 when given; nil for an empty host or a malformed port.
    static func hostAndPort(_ authority: Substring, defaultPort: Int) -> (host: String, port: Int)? {
        var host = authority
        var port = defaultPort
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if after.hasPrefix(":") {
                guard let value = Int(after.dropFirst()), (1...65535).contains(value) else { return nil }
                port = value
            } else if !after.isEmpty { return nil }
        } else if let colon = host.lastIndex(of: ":") {
            guard let value = Int(host[host.index(after: colon)...]), (1...65535).contains(value) else { return nil }
            port = value
            host = host[..<colon]
        }
        guard !host.isEmpty else { return nil }
        return (String(host), port)
    }

    /// Control characters shown as `\u{…}` escapes, so a message stays on one line.
    public static func printable(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined())
    }
}
