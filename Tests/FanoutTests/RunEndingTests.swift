import Testing
@testable import fanout

@Suite struct RunEndingTests {
    /// Each row: an ending and the exit code it comes to; the first applicable in the order 3 (2 for a
    /// changed input), 130/143, 6, 4, 5, then 1/0 wins, and the demo's quit and a timer's stop are 0/1.
    @Test(arguments: [(RunEnding, Int32)](arrayLiteral:
        (RunEnding(fatal: .io, signal: 2, unreachable: true, wasStopped: true, failed: 3), Int32(3)),
        (RunEnding(fatal: .inputChanged, signal: 15, wasStopped: true), 2),
        (RunEnding(signal: 2, unreachable: true, wasStopped: true, failed: 1), 130),
        (RunEnding(signal: 15, wasStopped: true), 143),
        (RunEnding(fatal: .io, spendStop: .cap, wasStopped: true), 3),
        (RunEnding(signal: 2, spendStop: .cap, wasStopped: true), 130),
        (RunEnding(spendStop: .cap, unreachable: true, wasStopped: true, failed: 1), 6),
        (RunEnding(spendStop: .providerFunds, wasStopped: true), 6),
        (RunEnding(spendStop: .cap, wasStopped: true, quitIsTheEnd: true), 6),
        (RunEnding(unreachable: true, wasStopped: true, failed: 1), 4),
        (RunEnding(wasStopped: true, failed: 1), 5),
        (RunEnding(wasStopped: true, quitIsTheEnd: true, failed: 1), 0),
        (RunEnding(wasStopped: true, stoppedByTimer: true, failed: 1), 1),
        (RunEnding(wasStopped: true, stoppedByTimer: true), 0),
        (RunEnding(failed: 1), 1),
        (RunEnding(), 0)))
    func precedence(ending: RunEnding, code: Int32) {
        #expect(ending.exit.code == code)
    }
}
