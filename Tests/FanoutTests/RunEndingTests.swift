import Foundation
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

    /// `fanout run --help` names every code and the precedence `RunEnding` applies: peeling the
    /// conditions off one at a time from all of them gives the codes in the help's order.
    @Test func helpSaysTheCodesAndTheirOrder() throws {
        var ending = RunEnding(fatal: .io, signal: 2, spendStop: .cap, unreachable: true, wasStopped: true, failed: 1)
        var order: [Int32] = []
        for peel in [{ (e: inout RunEnding) in e.fatal = nil }, { $0.signal = nil }, { $0.spendStop = nil }, { $0.unreachable = false },
                     { $0.wasStopped = false }] {
            order.append(ending.exit.code)
            peel(&ending)
        }
        #expect(order.map(String.init) == RunExit.precedence.map { $0 == "130/143" ? "130" : $0 })
        #expect(ending.exit.code == 1)
        let help = RunCommand.helpMessage(columns: 10_000)
        let guide = try String(contentsOf: ReferenceTests.root.appendingPathComponent("docs/guide.md"), encoding: .utf8)
        for code in [0, 1, 2, 3, 4, 5, 6, 130, 143] {
            #expect(RunExit.meanings.contains { $0.code.split(separator: "/").contains(Substring(String(code))) }, "\(code)")
            #expect(guide.contains("| \(code) |") || guide.contains("\(code) / ") || guide.contains("/ \(code) |"), "guide: \(code)")
        }
        #expect(help.contains("6 sending stopped for money") && help.contains("order 3, 130/143, 6, 4, 5"))
    }
}
