import Foundation
import Testing
@testable import fanout

@Suite struct DemoCommandTests {
    /// On the dashboard the demo sends prompts without end unless --size or --duration bounds it;
    /// without the dashboard it stays finite: 10,000 prompts, or --size, or --duration.
    @Test func promptCount() throws {
        #expect(try DemoCommand.parse([]).promptCount(usesDashboard: true) == nil)
        #expect(try DemoCommand.parse([]).promptCount(usesDashboard: false) == 10_000)
        #expect(try DemoCommand.parse(["--size", "300"]).promptCount(usesDashboard: true) == 300)
        #expect(try DemoCommand.parse(["--duration", "30s"]).promptCount(usesDashboard: false) == nil)
    }

    /// Every demo endpoint streams at a pace of its own, with answers of a fixed length.
    @Test func endpointsStream() {
        #expect(DemoCommand.endpoints.map(\.name) == ["fast", "slow", "flaky", "claude", "batch"])
        #expect(DemoCommand.endpoints.filter { $0.behavior.batchSecondsPerRequest != nil }.map(\.name) == ["batch"])
        #expect(DemoCommand.endpoints.filter(\.behavior.anthropic).map(\.name) == ["claude"])
        #expect(DemoCommand.endpoints.allSatisfy { $0.behavior.secondsPerToken > 0 && ($0.behavior.outputTokens ?? 0) > 0 })
        #expect(throws: (any Error).self) { try DemoCommand.parse(["--slo", "ttft=never"]) }
    }

    /// --directory is created, parents included, when it does not exist.
    @Test func directoryIsCreated() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        let nested = base + "/a/b"
        #expect(try DemoCommand.makeDirectory(nested) == nested)
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: nested, isDirectory: &isDirectory) && isDirectory.boolValue)
        #expect(throws: (any Error).self) { try DemoCommand.parse(["--directory", "/etc/hostname"]) }
    }
}
