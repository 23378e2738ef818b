import Testing
@testable import Engine

@Suite struct ConnectionReuseTests {
    /// Three connections in a row closed after one answer each make the judgement, once.
    @Test func threeClosesAfterOneAnswerJudge() {
        var reuse = ConnectionReuse()
        let judged = (0..<4).map { _ in reuse.serverClosed(afterAnswers: 1) }
        #expect(judged == [false, false, true, false])
        #expect(!reuse.reuses)
    }

    /// A connection that carried a second answer, or was closed after several, starts the count
    /// again; a close before any answer says nothing.
    @Test func reuseStartsTheCountAgain() {
        var reuse = ConnectionReuse()
        _ = reuse.serverClosed(afterAnswers: 1)
        _ = reuse.serverClosed(afterAnswers: 1)
        reuse.reused()
        _ = reuse.serverClosed(afterAnswers: 1)
        _ = reuse.serverClosed(afterAnswers: 1)
        _ = reuse.serverClosed(afterAnswers: 100)
        _ = reuse.serverClosed(afterAnswers: 0)
        _ = reuse.serverClosed(afterAnswers: 1)
        _ = reuse.serverClosed(afterAnswers: 1)
        #expect(reuse.reuses)
        let third = reuse.serverClosed(afterAnswers: 1)
        #expect(third && !reuse.reuses)
    }
}
