import Testing
@testable import Engine

@Suite struct TransportTasksTests {
    /// An async transport's requests end at once on cancelAll, and report through their completion.
    @Test func cancelAllEndsRunningRequests() async {
        let transport = FakeTransport(delay: .seconds(30)) { _, _ in FakeTransport.ok() }
        let request = TransportRequest(endpoint: 0, url: EndpointURL("http://h:1")!, path: "/v1/chat/completions",
                                       headers: [], body: [], timeout: 60)
        let clock = ContinuousClock()
        let started = clock.now
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            transport.start(request) { _ in continuation.resume() }
            transport.cancelAll()
        }
        #expect(started.duration(to: clock.now) < .seconds(5))
    }
}
