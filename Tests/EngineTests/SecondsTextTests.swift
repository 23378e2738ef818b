import Testing
@testable import Engine

@Suite struct SecondsTextTests {
    /// Waits: tenths below 10 s, then seconds, minutes and seconds, whole minutes from 10 minutes, hours.
    @Test func waits() {
        #expect(SecondsText.wait(2.44) == "2.4s" && SecondsText.wait(9.96) == "10s" && SecondsText.wait(42) == "42s")
        #expect(SecondsText.wait(270) == "4m 30s" && SecondsText.wait(3_539) == "59m" && SecondsText.wait(3_900) == "1h 05m")
        #expect(SecondsText.wait(.nan) == "–" && SecondsText.wait(-3) == "0.0s" && SecondsText.duration(.infinity) == "–")
    }

    /// A number for a field that names its unit: no unit, one decimal below 10.
    @Test func numbers() {
        #expect(SecondsText.number(2.44) == "2.4" && SecondsText.number(42.4) == "42" && SecondsText.number(.infinity) == "–")
    }
}
