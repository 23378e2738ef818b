import Testing
@testable import Engine

@Suite struct TransportTasksTests {
    /// An async transport's requests end at once on cancelAll, and report through their completion
    /// (the fake's request would otherwise wait for ever on a clock nobody moves).
    @Test(.timeLimit(.minutes(1))) func cancelAllEndsRunningRequests() async {
        let transport = FakeTransport(hang: .seconds(30)) { _, _ in FakeTransport.ok() }
        let request = TransportRequest(endpoint: 0, url: EndpointURL("http://h:1")!, path: "/v1/chat/completions",
                                       headers: [], body: [], timeout: 60)
        let completions = await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
            transport.start(request) { _ in continuation.resume(returning: 1) }
            transport.cancelAll()
        }
        #expect(completions == 1)
    }
}
