/// Whether an endpoint keeps its connections alive, judged from how they end.
///
/// A server that closes every connection after one answer while its headers say keep-alive
/// (llama.cpp's server does, after each streamed answer) is noticed after `closesToJudge` such
/// closes in a row; from then on each of its requests goes on a fresh connection, closed after the
/// answer, instead of meeting a socket the server has already closed. A connection that carries a
/// second answer shows the server does keep them, and starts the count again.
struct ConnectionReuse: Sendable, Hashable {
    static let closesToJudge = 3

    /// False once the server was seen closing connection after connection after one answer.
    private(set) var reuses = true
    private var closesInARow = 0

    /// The server closed a connection (idle, or under a request that got no byte of an answer)
    /// after it had carried `answers` answers. Returns true when this makes the judgement.
    mutating func serverClosed(afterAnswers answers: Int) -> Bool {
        guard reuses, answers >= 1 else { return false }
        guard answers == 1 else {
            closesInARow = 0
            return false
        }
        closesInARow += 1
        guard closesInARow >= Self.closesToJudge else { return false }
        reuses = false
        return true
    }

    /// A connection carried an answer after its first: the server keeps connections alive.
    mutating func reused() {
        closesInARow = 0
    }
}
