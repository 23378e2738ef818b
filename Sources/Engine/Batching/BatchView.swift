/// One batch as the screen, the progress lines and `/v1/status` show it.
public struct BatchView: Sendable, Hashable, Codable {
    /// The provider's batch id (fanout's key while it is being submitted).
    public var id: String
    /// As the provider gives it, e.g. `in_progress`.
    public var status: String
    public var total: Int
    public var completed: Int
    public var failed: Int
    /// Unix seconds.
    public var createdAt: Double?
    public var expiresAt: Double?

    /// Nothing more happens to it (`BatchObject.endedStatuses`).
    public var hasEnded: Bool { BatchObject.endedStatuses.contains(status) }

    /// `id` and `status` are the provider's words: control characters are made visible and they
    /// are cut to 128 and 32 characters, so a hostile provider cannot draw on the screen.
    public init(id: String, status: String, total: Int, completed: Int, failed: Int, createdAt: Double?, expiresAt: Double?) {
        self.id = String(TerminalText.sanitized(id, keepsLayout: false).prefix(128))
        self.status = String(TerminalText.sanitized(status, keepsLayout: false).prefix(32))
        self.total = total
        self.completed = completed
        self.failed = failed
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
