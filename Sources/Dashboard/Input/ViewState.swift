/// What the operator sees that is not in the engine: selection, overlays, the last confirmation.
struct ViewState: Hashable, Sendable {
    /// Index of the selected endpoint row.
    var selected = 0
    var showsHelp = false
    /// A confirmation shown in the footer until `flashUntil` (seconds of run time).
    var flash: String?
    var flashUntil: Double = 0
    /// Set once the operator asked to quit; the loop exits when the run is done.
    var quitRequested = false
    /// The dashboard shows a run of another process (`fanout attach`): q detaches.
    var isAttached = false
    /// X was pressed: the next key says whether to stop the run.
    var confirmingStop = false
    /// A fleet: the shard whose own figures are shown (nil: the fleet's), and how many shards there are.
    var shardFocus: Int?
    var shardCount = 0
    /// What the last quick presses asked for (rate, caps, weights), so the next press builds on it.
    var requested = RequestedValues()

    /// How long a confirmation stays in the footer.
    static let flashSeconds = 3.0

    mutating func confirm(_ message: String, at now: Double) {
        flash = message
        flashUntil = now + Self.flashSeconds
    }

    func flashMessage(at now: Double) -> String? { now < flashUntil ? flash : nil }
}
