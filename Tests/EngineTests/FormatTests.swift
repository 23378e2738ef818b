import Testing
@testable import Engine

@Suite struct FormatTests {
    /// Counts get separators or suffixes; durations pick their unit; padding cuts with an ellipsis.
    @Test func formats() {
        #expect(Format.count(1_234_567) == "1,234,567")
        #expect(Format.compact(134_510) == "134.5k" && Format.compact(950) == "950" && Format.compact(2_500_000) == "2.5M")
        #expect(Format.latency(0.182) == "182ms" && Format.latency(3.14) == "3.1s" && Format.latency(nil) == "–")
        // No flicker between units at the edge: 999.6 ms rounds to a second.
        #expect(Format.latency(0.9996) == "1.0s" && Format.latency(0.9994) == "999ms" && Format.latency(59.97) == "01:00")
        #expect(Format.wait(2.44) == "2.4s" && Format.wait(42) == "42s" && Format.wait(3540) == "59m" && Format.wait(270) == "4m 30s")
        #expect(Format.clock(252) == "04:12" && Format.clock(3723) == "1:02:03")
        #expect(Format.percent(0.264) == "26.4%")
        #expect(Format.rate(812.34) == "812" && Format.rate(12.34) == "12.3")
        #expect(Format.pad("abcdef", 4) == "abc…" && Format.pad("ab", 4, right: true) == "  ab")
    }

    /// Numbers at the ends of their types (read from a hostile file, or grown by keys) format without trapping.
    @Test func extremesNeverTrap() {
        #expect(Format.count(Int.min) == "-9,223,372,036,854,775,808" && Format.count(Int.max).hasPrefix("9,223"))
        #expect(Format.compact(Int.min).hasSuffix("M"))
        for value in [Double.infinity, -.infinity, .nan, 1e309, 9e15, 1e300, -1e300] {
            _ = Format.rate(value)
            _ = Format.latency(value)
            _ = Format.clock(value)
            _ = Format.duration(value)
            _ = Format.wait(value)
            _ = Format.fixed(value, digits: 2)
            _ = Format.weight(value)
            _ = Format.percent(value)
        }
        #expect(Format.latency(.infinity) == "–" && Format.fixed(1e300, digits: 1) == "1e+300")
    }
}
