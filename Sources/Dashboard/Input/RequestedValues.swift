/// What the operator's last keys asked for, so quick presses compound.
///
/// The figures on screen lag a command by a frame (a fleet's by a status round trip), so three
/// quick presses of `-` would each scale the value the screen still shows. Each key that scales a
/// value scales the value the previous press asked for instead, for `holdSeconds` after the last
/// press (seconds of run time), then the screen's figures rule again.
struct RequestedValues: Hashable, Sendable {
    static let holdSeconds = 3.0

    var rate: Double?
    var totalCap: Int?
    /// By endpoint name.
    var weights: [String: Double] = [:]
    var caps: [String: Int] = [:]
    /// Run time of the last press, and the shard whose figures were shown (nil: the run's or the fleet's).
    var at = -Double.infinity
    var scope: Int?

    /// The values still in force at `now` for `scope`; empty once they are stale.
    func current(at now: Double, scope: Int?) -> RequestedValues {
        abs(now - at) <= Self.holdSeconds && scope == self.scope ? self : RequestedValues()
    }

    /// These values with one more press at `now`.
    func pressed(at now: Double, scope: Int?, _ change: (inout RequestedValues) -> Void) -> RequestedValues {
        var next = current(at: now, scope: scope)
        next.at = now
        next.scope = scope
        change(&next)
        return next
    }
}
