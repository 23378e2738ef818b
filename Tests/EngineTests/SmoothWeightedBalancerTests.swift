import Testing
@testable import Engine

@Suite struct SmoothWeightedBalancerTests {
    func sequence(_ weights: [Double], count: Int, usable: Set<Int>? = nil) -> String {
        var balancer = SmoothWeightedBalancer(weights: weights)
        let letters = Array("abcdefgh")
        return String((0..<count).compactMap { _ in
            balancer.next { usable?.contains($0) ?? true }.map { letters[$0] }
        })
    }

    /// Weights 3:1 interleave as nginx does: a a b a, repeating.
    @Test func threeToOne() { #expect(sequence([3, 1], count: 8) == "aabaaaba") }

    /// Weights 5:1:1 give nginx's documented sequence a a b a c a a.
    @Test func fiveOneOne() { #expect(sequence([5, 1, 1], count: 7) == "aabacaa") }

    /// Weight 0 and unusable endpoints are skipped; the others keep their ratio.
    @Test func skipsDrainedAndUnusable() {
        #expect(sequence([1, 0, 1], count: 4) == "acac")
        #expect(sequence([2, 1, 1], count: 4, usable: [1, 2]) == "bcbc")
        #expect(sequence([1, 1], count: 3, usable: []) == "")
    }

    /// A retry avoids the endpoint that just failed when another is usable, but uses it when alone.
    @Test func avoidsPreviousEndpoint() {
        var balancer = SmoothWeightedBalancer(weights: [10, 1])
        #expect(balancer.next(avoiding: 0) == 1)
        #expect(balancer.next(avoiding: 0) { $0 == 0 } == 0)
    }

    /// Over many picks the shares match the weights exactly, and a weight change applies at once.
    @Test func sharesFollowWeights() {
        var balancer = SmoothWeightedBalancer(weights: [3, 1])
        var counts = [0, 0]
        for _ in 0..<4000 { counts[balancer.next()!] += 1 }
        #expect(counts == [3000, 1000])
        balancer.setWeight(0, at: 0)
        #expect((0..<10).allSatisfy { _ in balancer.next() == 1 })
    }
}
