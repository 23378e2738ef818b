import Engine
import Testing
import TestSupport
@testable import Dashboard

/// The fleet line on the screen: sharing, and alone while the store is gone.
@Suite struct FleetStoreLineTests {
    static func sharing(connected: Bool) -> StatsSnapshot {
        var snapshot = Fixtures.busy()
        snapshot.control.fleetStore = FleetStoreFigures(url: "redis://10.0.0.9:6379", fleet: "job-3f2a", shards: 3, connected: connected,
                                                        since: 1_000, share: connected ? 9.8 : 10, fleetRate: 30)
        return snapshot
    }

    /// Connected: the fleet, the store, the shards alive, the fleet's rate and this shard's pace; wide and narrow.
    @Test func sharingLine() {
        for (width, height) in [(200, 40), (80, 24)] {
            let text = Fixtures.text(Self.sharing(connected: true), width: width, height: height)
            #expect(text.contains(" Fleet        job-3f2a · redis://10.0.0.9:6379 · 3 shards alive"), "\(text)")
        }
        let wide = Fixtures.text(Self.sharing(connected: true), width: 200, height: 40)
        #expect(wide.contains("fleet rate 30/s · this shard 9.8/s"), "\(wide)")
        #expect(!Fixtures.text(Fixtures.busy(), width: 200, height: 40).contains(" Fleet "))
    }

    /// Lost: it says so, with the share it goes on at, as a warning.
    @Test func lostLine() throws {
        let line = try #require(FleetStoreLine.line(Self.sharing(connected: false)))
        #expect(line.text.contains("store lost: alone at 10/s (30/s ÷ 3)"), "\(line.text)")
        #expect(line.spans.contains { $0.style == .warning })
    }
}
