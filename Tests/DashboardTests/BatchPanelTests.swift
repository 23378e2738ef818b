import Engine
import Testing
import TestSupport
@testable import Dashboard

/// The batch routes on the screen: the summary line, and a route's batches where its chart would be.
@Suite struct BatchPanelTests {
    /// The busy run with its last endpoint a batch route: one batch in progress, one ended, a deadline.
    static func batchSide() -> StatsSnapshot {
        var snapshot = Fixtures.busy()
        let last = snapshot.endpoints.count - 1
        snapshot.endpoints[last].control.isBatchRoute = true
        snapshot.endpoints[last].control.inFlight = 5_000
        snapshot.endpoints[last].control.batches = [
            BatchView(id: "batch_open", status: "in_progress", total: 5_000, completed: 1_150, failed: 50, createdAt: 1_000, expiresAt: 87_400),
            BatchView(id: "batch_done", status: "completed", total: 300, completed: 300, failed: 0, createdAt: 900, expiresAt: 87_300),
        ]
        snapshot.control.wallTime = 1_240
        snapshot.control.deadline = DeadlineFigures(secondsLeft: 4_800, margin: 100, projectedBatchEnd: 760, realtimeNeeds: 300,
                                                    batchesCancelled: false, savedUSD: 3.2)
        return snapshot
    }

    /// The summary line counts open and ended batches and says the deadline's projection and saving.
    @Test func summaryLine() {
        let text = Fixtures.text(Self.batchSide(), width: 200, height: 40)
        #expect(text.contains(" Batches      1 open: in_progress 1,200/5,000 · 1 ended in the last minute · deadline in 1h 20m"), "\(text)")
        #expect(text.contains("batches end in ≈ 12m 40s") && text.contains("saved $3.20 vs all real-time"))
        #expect(!Fixtures.text(Fixtures.busy(), width: 200, height: 40).contains("Batches"))
    }

    /// With the batch route selected, its batches take the distribution chart's place: open first,
    /// done/total, age and the provider's expiry.
    @Test func tableInPlaceOfTheChart() {
        let snapshot = Self.batchSide()
        var view = ViewState()
        view.selected = snapshot.endpoints.count - 1
        let text = Fixtures.text(snapshot, view: view, width: 160, height: 50)
        let narrow = Fixtures.text(snapshot, view: view, width: 120, height: 40)
        #expect(narrow.contains("batch_open ") && narrow.contains("1,200/5,000"), "at 120 columns the ids fit whole: \(narrow)")
        #expect(text.contains("Batches · ") && text.contains("5,000 in batches"), "\(text)")
        let lines = text.split(separator: "\n")
        let open = lines.firstIndex { $0.contains("batch_open") }, done = lines.firstIndex { $0.contains("batch_done") }
        #expect(open != nil && done != nil && open! < done!)
        #expect(lines.contains { $0.contains("batch_open") && $0.contains("1,200/5,000") && $0.contains("exp 23h 56m") })
        #expect(!lines.contains { $0.contains("batch_done") && $0.contains("exp ") })
    }
}
