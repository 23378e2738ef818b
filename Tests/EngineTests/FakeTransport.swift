import Synchronization
import TestSupport
@testable import Engine

/// A scripted transport: answers each request by calling `script` with the endpoint and the
/// number of times this record's body has been seen; records every call.
final class FakeTransport: AsyncTransport {
    let tasks = TransportTasks()
    typealias Script = @Sendable (_ endpoint: Int, _ seen: Int) -> Result<TransportResponse, EngineError>

    private let script: Script
    /// Requests wait on this clock for `hang` (a manual clock nobody advances: until cancelled).
    private let hang: Duration
    private let clock = ManualClock()
    private let calls = Mutex<[(endpoint: Int, body: [UInt8])]>([])
    private let seen = Mutex<[[UInt8]: Int]>([:])

    init(hang: Duration = .zero, script: @escaping Script) {
        self.hang = hang
        self.script = script
    }

    static func ok(_ text: String = "fine") -> Result<TransportResponse, EngineError> {
        .success(TransportResponse(status: 200, body: Array(#"{"choices":[{"message":{"content":"\#(text)"}}]}"#.utf8)))
    }

    static func status(_ code: Int, headers: [HeaderField] = []) -> Result<TransportResponse, EngineError> {
        .success(TransportResponse(status: code, headers: headers, body: Array(#"{"error":{"message":"nope"}}"#.utf8)))
    }

    func exchange(_ request: TransportRequest) async -> Result<TransportResponse, EngineError> {
        let count = seen.withLock { seen in
            seen[request.body, default: 0] += 1
            return seen[request.body]!
        }
        calls.withLock { $0.append((request.endpoint, request.body)) }
        if hang > .zero { try? await clock.sleep(for: hang) }
        return script(request.endpoint, count)
    }

    func shutdown() async {}

    var callCount: Int { calls.withLock { $0.count } }
    var endpointsCalled: [Int] { calls.withLock { $0.map(\.endpoint) } }
}
