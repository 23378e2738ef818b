import Engine
import Testing
import TestSupport
@testable import Dashboard

@Suite struct ChartPanelTests {
    /// At 120×40 a streaming run shows both charts: the stacked throughput with a legend naming every
    /// endpoint, the time axis, and the selected endpoint's TTFT distribution with p50/p90/p99 marked.
    @Test func chartsAtLargeSizes() {
        let text = Fixtures.text(Fixtures.streaming(), view: ViewState(selected: 1), width: 120, height: 40)
        #expect(text.contains("Answers/s and output tokens/s, last 3m"))
        #expect(text.contains("█ gpu-a") && text.contains("▓ gpu-b") && text.contains("▒ hosted"))
        #expect(text.contains("TTFT · gpu-b"))
        #expect(text.contains("▲p50") && text.contains("now") && text.contains("-1m"))
        #expect(text.contains("output tokens/s"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 40 && lines.allSatisfy { $0.count <= 120 })
    }

    /// Below 120×40 there are no charts, and 80×24 still shows every endpoint with TTFT and tokens/s.
    @Test func noChartsWhenSmall() {
        let snapshot = Fixtures.streaming()
        #expect(!Fixtures.text(snapshot, width: 119, height: 40).contains("Answers/s"))
        #expect(!Fixtures.text(snapshot, width: 120, height: 39).contains("Answers/s"))
        let small = Fixtures.text(snapshot, width: 80, height: 24)
        #expect(small.contains("TTFT") && small.contains("tok/s"))
        for name in ["gpu-a", "gpu-b", "hosted"] { #expect(small.contains(name)) }
    }

    /// The stacked chart puts each series in its own glyph, scaled to the tallest column, the later
    /// series on top.
    @Test func stackedColumns() {
        let lines = StackedChart.render([[4, 4], [0, 4]], width: 2, height: 4, labelWidth: 6, unit: "/s")
        let plots = lines.map { String($0.text.suffix(2)) }
        #expect(plots == ["▓", "▓", "██", "██"].map { $0.count == 1 ? " " + $0 : $0 })
        #expect(lines[0].text.hasPrefix(" 8/s ┤") && lines[3].text.hasPrefix("   0 ┤"))
    }

    /// A long history is averaged into the columns; a short one is padded with empty columns on the left.
    @Test func columnsAverageTheSpan() {
        #expect(StackedChart.columns([[1, 3, 5, 7]], width: 2) == [[2], [6]])
        #expect(StackedChart.columns([[1, 2, 3, 4, 5, 6]], width: 4) == [[1], [2.5], [4], [5.5]])
        #expect(StackedChart.columns([[1, 3]], width: 3) == [[0], [1], [3]])
    }

    /// The chart's window grows with the run, a minute at least, up to three minutes.
    @Test func windowGrowsWithTheRun() {
        var snapshot = Fixtures.streaming(seconds: 40)
        #expect(Fixtures.text(snapshot, width: 120, height: 40).contains("last 1m"))
        snapshot.elapsed = 100
        #expect(Fixtures.text(snapshot, width: 120, height: 40).contains("last 2m"))
        #expect(Fixtures.text(Fixtures.streaming(seconds: 600), width: 120, height: 40).contains("last 3m"))
    }

    /// The distribution draws bars over the occupied bins, labels decades and marks its percentiles.
    @Test func distributionChart() {
        var distribution = Distribution()
        for _ in 0..<90 { distribution.record(0.2) }
        for _ in 0..<10 { distribution.record(2) }
        let percentiles = Percentiles(p50: 0.2, p90: 0.2, p99: 2)
        let lines = DistributionChart.render(distribution, marking: percentiles, width: 40, height: 4)
        #expect(lines.count == 6)
        #expect(lines[3].text.contains("█"))
        #expect(lines[4].text.contains("╵1s ") && Format.binEdge(1.3335) == "1.3s" && Format.binEdge(0.0013) == "1.3ms")
        #expect(lines[5].text.contains("▲p50") && lines[5].text.contains("▲p99"))
        #expect(DistributionChart.describe(percentiles) == "p50 200ms  p90 200ms  p99 2.0s")
        #expect(Distribution.bin(of: 0.2) < Distribution.bin(of: 2))
    }
}

@Suite struct StackedChartMarksTests {
    /// Twenty endpoints' series each get a glyph and colour no other of them has (the demo's fifth
    /// endpoint no longer looks like its first).
    @Test func marksAreDistinct() {
        let marks = (0..<20).map { StackedChart.mark($0) }
        #expect(Set(marks.map { "\($0.0)\($0.1)" }).count == 20)
    }
}
