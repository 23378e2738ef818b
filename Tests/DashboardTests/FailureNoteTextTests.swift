import Engine
import Testing
@testable import Dashboard

@Suite struct FailureNoteTextTests {
    /// Each note reads as the error list has always said it, its waits in the one seconds format.
    @Test func notesInWords() {
        #expect(FailureNote.retrying(attempt: 2, of: 5, retryIn: 1.24).text == "attempt 2/5, retry in 1.2s")
        #expect(FailureNote.failed(attempt: 5, of: 5).text == "attempt 5/5 → errors")
        #expect(FailureNote.rateLimitedTooLong(seconds: 900, sends: 31).text == "rate limited for 15m, 31 sends → errors")
        #expect(FailureNote.notProcessed(resentIn: 0.4).text == "not processed: resent in 0.4s, no attempt spent")
        #expect(FailureNote.waitingUnsent(attempt: 3, nextTryIn: 75).text.hasSuffix("next try in 1m 15s"))
        let entry = ErrorEntry(at: 3, source: "gpu-a", message: "HTTP 503: busy", note: .rateLimited)
        #expect(entry.text == "HTTP 503: busy (rate limited: resent at the endpoints' pace, no attempt spent)")
        #expect(ErrorEntry(at: 3, source: "input", message: "line 4: not valid JSON").text == "line 4: not valid JSON")
    }
}
