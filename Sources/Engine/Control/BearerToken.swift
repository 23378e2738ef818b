/// The secret a TCP control client must present as `Authorization: Bearer TOKEN`.
///
/// Compared in constant time over the longer of the two, so the time taken says nothing about how
/// much of a guess was right. It has no description: it never reaches a log or a screen.
public struct BearerToken: Sendable {
    private let bytes: [UInt8]

    /// Nil for an empty token (it would protect nothing).
    public init?(_ token: String) {
        guard !token.isEmpty else { return nil }
        bytes = Array(token.utf8)
    }

    /// The header value a client sends.
    public var headerValue: String { "Bearer " + String(decoding: bytes, as: UTF8.self) }

    /// Whether an `Authorization` header value carries this token.
    public func accepts(_ header: String?) -> Bool {
        guard let header else { return false }
        let given = Array(header.utf8)
        // The scheme is case-insensitive (RFC 7235); the token is not.
        let prefix = Array("bearer ".utf8)
        guard given.count >= prefix.count, given[..<prefix.count].map({ $0 | 0x20 }).elementsEqual(prefix) else { return false }
        let offered = given[prefix.count...]
        var difference = UInt8(offered.count == bytes.count ? 0 : 1)
        let length = max(offered.count, bytes.count)
        for index in 0..<length {
            let left = index < bytes.count ? bytes[index] : 0
            let right = index < offered.count ? offered[offered.startIndex + index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}
