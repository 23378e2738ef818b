import Engine
import Testing
import TestSupport
@testable import Dashboard

/// Both sides on the screen: the servers' own Run, Wait and KV, and the client's own headroom.
@Suite struct ServerColumnsTests {
    /// The busy run with gpu-a's server running 4 with 2 waiting and its KV 93 % full, gpu-b's
    /// without a KV gauge; the others without metrics.
    static func serverSide() -> StatsSnapshot {
        var snapshot = Fixtures.busy()
        snapshot.endpoints[0].control.server = ServerLoad(running: 4, waiting: 2, kvCacheUsage: 0.93, scrapedAt: 1)
        snapshot.endpoints[1].control.server = ServerLoad(running: 3, waiting: 0, kvCacheUsage: nil, scrapedAt: 1)
        return snapshot
    }

    /// Wide: Run, Wait and KV columns with the figures (a queue and a full cache in the warning
    /// colour, "–" where there is none); compact: Wait takes Share's place.
    @Test func columns() {
        let wide = Fixtures.text(Self.serverSide(), width: 160, height: 40)
        #expect(wide.contains("   Run  Wait    KV"), "\(wide)")
        #expect(wide.contains("     4     2   93%"))
        #expect(wide.contains("     3     0     –"))
        let row = EndpointTable.row(Self.serverSide().endpoints[0], isSelected: false, wide: true, width: 160, shape: EndpointTable.Shape(Self.serverSide()))
        #expect(row.spans.contains { $0.text.contains("2") && $0.style == .warning })
        let compact = Fixtures.text(Self.serverSide(), width: 80, height: 24)
        #expect(compact.contains("   Endpoint       W    Wait   Infl      OK    Err    p50    p99  State"), "\(compact)")
        #expect(!Fixtures.text(Fixtures.busy(), width: 160, height: 40).contains(" Wait "))
        var streaming = Fixtures.streaming()
        streaming.endpoints[0].control.server = ServerLoad(running: 4, waiting: 1, scrapedAt: 1)
        #expect(Fixtures.text(streaming, width: 80, height: 24).contains("   Endpoint       W   Infl      OK    Err   Wait   TTFT   tok/s  State"))
    }

    /// A client past its thresholds is named the bottleneck on the wide notice line and the compact
    /// second line; its CPU and lag are shown beside the tokens.
    @Test func clientBottleneck() {
        var snapshot = Fixtures.busy()
        snapshot.control.client = ClientLoad(cpuPercent: 97, loopLagP99Ms: 45)
        let wide = Fixtures.text(snapshot, width: 200, height: 40)
        #expect(wide.contains("the client is the bottleneck: its figures include its own delay"))
        #expect(wide.contains("client cpu 97% lag 45ms"))
        #expect(Fixtures.text(snapshot, width: 80, height: 24).contains("client-bound"))
        snapshot.control.client = ClientLoad(cpuPercent: 12, loopLagP99Ms: 2)
        #expect(!Fixtures.text(snapshot, width: 200, height: 40).contains("bottleneck"))
    }
}
