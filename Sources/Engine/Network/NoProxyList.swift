/// The hosts that go around a proxy, read as curl reads `NO_PROXY`: comma-separated names, where
/// `example.com` and `.example.com` both match the domain and every name under it, IP addresses
/// match exactly or by CIDR block (`10.0.0.0/8`), an entry may name a port (`host:8443`), and `*`
/// alone matches everything. Case is ignored, and so is a trailing dot.
public struct NoProxyList: Sendable, Hashable {
    private enum Entry: Hashable {
        case everything
        case domain(String, port: Int?)
        case address(IPAddress, prefix: Int, port: Int?)
    }

    private let entries: [Entry]

    public init(_ text: String) {
        entries = text.split(separator: ",").compactMap { Self.entry(String($0.trimmingWhitespace)) }
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// Whether a request to `host:port` goes direct.
    public func matches(host: String, port: Int) -> Bool {
        let name = Self.normalized(host)
        let address = IPAddress(name)
        return entries.contains { entry in
            switch entry {
            case .everything: return true
            case .domain(let domain, let wanted):
                guard wanted == nil || wanted == port, address == nil else { return false }
                return name == domain || name.hasSuffix("." + domain)
            case .address(let network, let prefix, let wanted):
                guard wanted == nil || wanted == port, let address else { return false }
                return address.isIn(network, prefix: prefix)
            }
        }
    }

    private static func entry(_ raw: String) -> Entry? {
        var text = normalized(raw)
        if text == "*" { return .everything }
        while text.hasPrefix(".") || text.hasPrefix("*.") { text.removeFirst(text.hasPrefix(".") ? 1 : 2) }
        guard !text.isEmpty else { return nil }
        var port: Int?
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            let after = text[text.index(after: close)...]
            if after.hasPrefix(":") { port = Int(after.dropFirst()) }
            text = String(text[text.index(after: text.startIndex)..<close])
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":"), let value = Int(text[text.index(after: colon)...]) {
            port = value
            text = String(text[..<colon])
        }
        var prefix: Int?
        if let slash = text.firstIndex(of: "/") {
            prefix = Int(text[text.index(after: slash)...])
            text = String(text[..<slash])
        }
        if let address = IPAddress(text) {
            let bits = address.bytes.count * 8
            return .address(address, prefix: min(max(prefix ?? bits, 0), bits), port: port)
        }
        return prefix == nil ? .domain(text, port: port) : nil
    }

    private static func normalized(_ host: String) -> String {
        var text = host.lowercased()
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        while text.hasSuffix(".") { text.removeLast() }
        return text
    }
}

/// An IPv4 or IPv6 address as bytes, for `NO_PROXY` blocks and the loopback rule.
struct IPAddress: Hashable {
    let bytes: [UInt8]

    init?(_ text: String) {
        if text.contains(":") {
            guard let bytes = Self.ipv6(text) else { return nil }
            self.bytes = bytes
        } else {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            let values = parts.compactMap { $0.allSatisfy(\.isASCII) ? UInt8($0) : nil }
            guard values.count == 4 else { return nil }
            bytes = values
        }
    }

    /// 127.0.0.0/8 and ::1 (and ::ffff:127.x.x.x).
    var isLoopback: Bool {
        if bytes.count == 4 { return bytes[0] == 127 }
        if bytes == Array(repeating: 0, count: 15) + [1] { return true }
        return bytes.prefix(12) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF][...] && bytes[12] == 127
    }

    func isIn(_ network: IPAddress, prefix: Int) -> Bool {
        guard bytes.count == network.bytes.count else { return false }
        var remaining = prefix
        for (mine, theirs) in zip(bytes, network.bytes) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if mine & mask != theirs & mask { return false }
            remaining -= 8
        }
        return true
    }

    /// Eight hex groups with at most one `::`; nil otherwise (embedded IPv4 forms are not read).
    private static func ipv6(_ text: String) -> [UInt8]? {
        let halves = text.split(separator: "::", omittingEmptySubsequences: false)
        guard halves.count <= 2 else { return nil }
        func groups(_ part: Substring) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            let values = part.split(separator: ":", omittingEmptySubsequences: false).map { $0.count <= 4 ? UInt16($0, radix: 16) : nil }
            return values.contains(nil) ? nil : values.compactMap { $0 }
        }
        guard let head = groups(halves[0]), let tail = halves.count == 2 ? groups(halves[1]) : [] else { return nil }
        let missing = 8 - head.count - tail.count
        guard halves.count == 2 ? missing >= 1 : missing == 0 else { return nil }
        let all = head + Array(repeating: 0, count: missing) + tail
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}

extension Substring {
    var trimmingWhitespace: Substring {
        var text = self
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return text
    }
}
