import Foundation
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

    /// A shard's own record count is exact: the counts of all shards add up to the file's records,
    /// and each equals what that shard's filter lets through (so progress never reads 102 %).
    @Test func countsAShardsOwnRecords() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("shard-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var lines = (1...500).map { $0 % 5 == 0 ? #"{"id":"k\#($0)","input":"x"}"# : #"{"input":"x"}"# }
        lines[10] = "{bad json"
        lines[20] = ""
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        var sum = 0
        for index in 0..<3 {
            let shard = try #require(Shard(index: index, count: 3))
            let counted = try #require(await LineCounter.countRecords(path: path, shard: shard))
            var filter = RecordFilter(shard: shard)
            var admitted = 0
            for (offset, line) in lines.enumerated() where !line.isEmpty {
                switch filter.admit(InputLine.classify(Array(line.utf8), line: offset + 1, defaults: RequestDefaults())) {
                case .otherShard: break
                default: admitted += 1
                }
            }
            #expect(counted == admitted)
            sum += counted
        }
        #expect(sum == 499)
    }
}
