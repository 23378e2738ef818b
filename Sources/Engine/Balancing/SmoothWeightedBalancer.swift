/// Smooth weighted round-robin, the nginx upstream algorithm.
///
/// Every pick adds each candidate's weight to its running score, chooses the highest score and
/// subtracts the candidates' total from it: weights 3:1 give `a a b a`, interleaved rather than
/// bunched. Only candidates the caller marks usable (and with weight > 0) take part, so an endpoint
/// that is full or cooling down is skipped without disturbing the others' shares. Ties go to the
/// endpoint listed first, as in nginx, so the sequence is fully determined by the weights.
public struct SmoothWeightedBalancer: Sendable, Hashable {
    public private(set) var weights: [Double]
    private var scores: [Double]

    public init(weights: [Double]) {
        self.weights = weights
        self.scores = Array(repeating: 0, count: weights.count)
    }

    /// Changes one weight; takes effect from the next pick. Weight 0 drains the endpoint.
    public mutating func setWeight(_ weight: Double, at index: Int) {
        weights[index] = max(0, weight)
        if weight <= 0 { scores[index] = 0 }
    }

    /// Picks the next endpoint among usable ones, or nil when none is.
    ///
    /// - Parameter avoiding: an endpoint to skip when another one is usable (a retry prefers a
    ///   different endpoint from the one that just failed).
    public mutating func next(
        avoiding: Int? = nil,
        isUsable: (Int) -> Bool = { _ in true }
    ) -> Int? {
        var candidates = weights.indices.filter { weights[$0] > 0 && isUsable($0) }
        if let avoiding, candidates.count > 1, let position = candidates.firstIndex(of: avoiding) {
            candidates.remove(at: position)
        }
        guard !candidates.isEmpty else { return nil }
        var total = 0.0
        var chosen = candidates[0]
        for index in candidates {
            scores[index] += weights[index]
            total += weights[index]
            if scores[index] > scores[chosen] { chosen = index }
        }
        scores[chosen] -= total
        return chosen
    }
}
