import Testing
@testable import Engine

@Suite struct RetryAfterTests {
    /// Seconds, fractions, milliseconds (which win) and HTTP dates are read; -1, 0 and junk are absent.
    @Test func parsesEveryForm() {
        #expect(RetryAfter.seconds(retryAfterMs: nil, retryAfter: "2", wallClock: 0) == 2)
        #expect(RetryAfter.seconds(retryAfterMs: nil, retryAfter: " 1.5 ", wallClock: 0) == 1.5)
        #expect(RetryAfter.seconds(retryAfterMs: "250", retryAfter: "9", wallClock: 0) == 0.25)
        let date = RetryAfter.httpDate("Wed, 21 Oct 2015 07:28:00 GMT")
        #expect(date == 1_445_412_480)
        #expect(RetryAfter.seconds(retryAfterMs: nil, retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT", wallClock: 1_445_412_470) == 10)
        for absent in ["-1", "0", "soon", ""] {
            #expect(RetryAfter.seconds(retryAfterMs: absent, retryAfter: absent, wallClock: 0) == nil)
        }
        #expect(RetryAfter.seconds(retryAfterMs: nil, retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT", wallClock: 2_000_000_000) == nil)
    }

    /// A huge value is capped at an hour.
    @Test func capsAtAnHour() {
        #expect(RetryAfter.seconds(retryAfterMs: nil, retryAfter: "999999", wallClock: 0) == 3600)
    }
}
