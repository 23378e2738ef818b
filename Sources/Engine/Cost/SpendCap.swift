/// `--max_cost`: what has been spent, what is reserved for requests in flight, and whether the next
/// request may go.
///
/// A plain value. Before a send the worst case is reserved (its estimated prompt at the input price
/// plus its `max_tokens` at the output price); nothing is sent when spent + reserved + that would pass
/// the cap. When the answer (or a failure that carried usage) arrives, the reservation is released
/// and the real cost is spent. `cost_per_hour` endpoints spend as time passes (`accrue`).
public struct SpendCap: Sendable, Hashable {
    /// US dollars; nil: no cap (spend is still counted).
    public let cap: Double?
    public private(set) var spent: Double
    public private(set) var reserved = 0.0
    /// The alert levels (shares of the cap) already passed.
    public private(set) var alerted: [Double] = []

    public static let alertLevels = [0.5, 0.8, 0.95]

    /// - Parameter spent: what earlier runs of the same files already recorded (counts against the cap).
    public init(cap: Double?, spent: Double = 0) {
        self.cap = cap
        self.spent = spent
    }

    /// With a fleet store: what this shard leased of the fleet's cap, its spend before included
    /// (nil: it holds the whole cap). Sends fit under it; more is leased as it runs out.
    public private(set) var budget: Double?

    /// Leases of the fleet's cap add to the budget.
    public mutating func addBudget(_ dollars: Double) {
        budget = (budget ?? spent) + max(0, dollars)
    }

    /// What the budget holds beyond the spend and the reservations (0 without one).
    public var budgetLeft: Double { budget.map { max(0, $0 - spent - reserved) } ?? 0 }

    /// Whether a request whose worst case is `worstCase` dollars may go now.
    public func allows(_ worstCase: Double) -> Bool {
        guard let cap = budget.map({ min($0, cap ?? $0) }) ?? cap else { return true }
        // A hair of slack for sums of binary fractions (0.1 + 0.2 > 0.3): a billionth of a cent.
        return spent + reserved + worstCase <= cap + 1e-11
    }

    /// Whether the cap leaves no room for any request: spent (with what is reserved) has reached it.
    public var isReached: Bool {
        guard let cap else { return false }
        return spent + reserved >= cap
    }

    public mutating func reserve(_ worstCase: Double) {
        reserved += worstCase
    }

    /// The request that reserved `worstCase` came back having cost `actual`. Returns the alert
    /// levels crossed by this spend, if any.
    @discardableResult
    public mutating func settle(reserved worstCase: Double, actual: Double) -> [Double] {
        reserved = max(0, reserved - worstCase)
        return spend(actual)
    }

    /// Spend that needs no reservation (time on a `cost_per_hour` endpoint). Returns alert levels crossed.
    @discardableResult
    public mutating func spend(_ dollars: Double) -> [Double] {
        guard dollars.isFinite, dollars > 0 else { return [] }
        spent += dollars
        guard let cap, cap > 0 else { return [] }
        let crossed = Self.alertLevels.filter { spent >= $0 * cap && !alerted.contains($0) }
        alerted += crossed
        return crossed
    }

    /// The worst case of a request: its estimated prompt at the input price and `maxTokens` at the output price.
    public static func worstCase(promptTokens: Int, maxTokens: Int, price: ModelPrice, batch: Bool = false) -> Double {
        Double(promptTokens) * (batch ? price.batchInputPrice : price.input)
            + Double(maxTokens) * (batch ? price.batchOutputPrice : price.output)
    }
}
