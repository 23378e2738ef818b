import Engine
import Testing
import TestSupport
@testable import fanout

/// Money in the headless progress lines: the meter on each line, each alert and the stop said once.
@Suite struct SpendNewsTests {
    /// Progress lines carry the meter, and say each alert and the stop once.
    @Test func progressLines() {
        let line = SummaryReport.progressLine(Fixtures.spending(), total: 1_000_000)
        #expect(line.contains("cost $8.50 · $0.42/min · ≈ $"), "\(line)")
        #expect(line.contains("cap $10.00 (85%)"))
        var news = SpendNews()
        #expect(news.lines(Fixtures.spending(), total: nil) == ["spend alert: 50% of --max_cost spent ($8.50 of $10.00)",
                                                            "spend alert: 80% of --max_cost spent ($8.50 of $10.00)"])
        #expect(news.lines(Fixtures.spending(), total: nil).isEmpty)
        let stopped = news.lines(Fixtures.spending(stop: .cap, alerted: [0.5, 0.8, 0.95]), total: nil)
        #expect(stopped.count == 2 && stopped[1].hasPrefix("spend cap reached: spent $8.50 of the $10.00 cap"))
    }
}
