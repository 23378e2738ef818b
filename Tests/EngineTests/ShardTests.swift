import Testing
@testable import Engine

@Suite struct ShardTests {
    /// Shards split ids disjointly, cover them all, and stay roughly even.
    @Test func partitionsIDs() throws {
        let shards = try (0..<4).map { try #require(Shard(index: $0, count: 4)) }
        var sizes = [0, 0, 0, 0]
        for id in (1...10_000).map({ "req-\($0)" }) {
            let owners = shards.filter { $0.contains(id) }
            #expect(owners.count == 1)
            sizes[owners[0].index] += 1
        }
        #expect(sizes.allSatisfy { $0 > 2200 && $0 < 2800 }, "\(sizes)")
    }

    /// `i/n` parses with 0 ≤ i < n; anything else is refused.
    @Test func parses() {
        #expect(Shard("2/8") == Shard(index: 2, count: 8))
        for bad in ["8/8", "-1/4", "1/0", "x", "1/2/3"] { #expect(Shard(bad) == nil) }
    }
}
