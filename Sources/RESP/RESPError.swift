/// What went wrong talking to a RESP server: the one error of this module.
///
/// Descriptions are short and never carry a password (`AUTH`'s arguments are never quoted).
public struct RESPError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case protocolViolation
        case connectionClosed
        case timedOut
        case unreachable
        case refused
    }

    private let code: Code
    public let detail: String

    private init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// The server sent bytes that are not RESP2 (or beyond the decoder's bounds).
    public static func protocolViolation(_ what: String) -> RESPError { RESPError(.protocolViolation, "the server sent \(what)") }
    /// The connection closed with replies outstanding.
    public static let connectionClosed = RESPError(.connectionClosed, "the connection closed")
    /// No reply within the deadline.
    public static func timedOut(_ seconds: Double) -> RESPError { RESPError(.timedOut, "no reply within \(Int((seconds * 1000).rounded())) ms") }
    /// No connection could be made (refused, no route, TLS failed).
    public static func unreachable(_ why: String) -> RESPError { RESPError(.unreachable, why) }
    /// The server answered a command with an error reply.
    public static func refused(_ message: String) -> RESPError { RESPError(.refused, message) }

    /// Worth trying again on a new connection (everything but an error reply).
    public var isRetryable: Bool { code != .refused }
    /// The server answered with an error reply.
    public var isRefusal: Bool { code == .refused }

    public var description: String { detail }
}
