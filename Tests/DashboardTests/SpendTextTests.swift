import Engine
import Testing
import TestSupport
@testable import Dashboard

/// Money on the screen and in the summary.
@Suite struct SpendTextTests {
    /// The wide dashboard shows spent, $/min, the projection, the cap's share, and a Cost column;
    /// the notice line carries the highest alert passed.
    @Test func dashboardShowsTheMeter() {
        let text = Fixtures.text(Fixtures.spending(), width: 160, height: 40)
        #expect(text.contains(" Cost         $8.50 spent   $0.42/min   ≈ $"), "\(text)")
        #expect(text.contains("cap $10.00 85%"))
        #expect(text.contains("spend alert: 80% of --max_cost spent ($8.50 of $10.00)"))
        #expect(text.contains("Cost"))
        #expect(text.contains("$2.83") || text.contains("$4.25") || text.contains("$8.50"))
    }

    /// Once the cap stops sending the notice says so with the records left; the compact screen too.
    @Test func dashboardSaysTheCapStopped() {
        let text = Fixtures.text(Fixtures.spending(stop: .cap), width: 160, height: 40)
        #expect(text.contains("Spend cap reached: spent $8.50 of the $10.00 cap; "), "\(text)")
        let compact = Fixtures.text(Fixtures.spending(stop: .cap), width: 80, height: 24)
        #expect(compact.contains("$8.50 of $10.00 CAP REACHED"), "\(compact)")
    }

    /// Without a price or a cap nothing about money is shown.
    @Test func nothingWithoutPrices() {
        let text = Fixtures.text(Fixtures.busy(), width: 160, height: 40)
        #expect(!text.contains("Cost") && !text.contains("$"))
        #expect(SpendText.progressPart(Fixtures.busy(), total: 10) == nil)
    }

    /// The summary says `cost $X.XX`, with earlier runs' share and the cap.
    @Test func summary() {
        var spend = SpendFigures()
        spend.spent = 3.25
        spend.spentBefore = 1
        spend.cap = 5
        spend.isPriced = true
        #expect(SpendText.summary(spend) == "  cost $3.25 (this run $2.25, earlier runs $1.00), cap $5.00")
        #expect(Money.cents(0.175025) == "$0.18 ($0.175025)" && Money.cents(0.2) == "$0.20")
        #expect(Money.text(0.0042) == "$0.0042" && Money.text(0.0000123) == "$0.000012" && Money.text(1234.5) == "$1234.50")
    }
}
