import NIOCore
import NIOEmbedded
import NIOHTTP2
import Testing
@testable import Engine

@Suite struct EngineErrorTransportTests {
    /// A stream the server refused unprocessed (REFUSED_STREAM, or opened after its GOAWAY) is
    /// `refused` — resent without spending an attempt; other resets are lost connections.
    @Test func http2Refusals() {
        let refused = EngineError(transportError: NIOHTTP2Errors.streamClosed(streamID: 3, errorCode: .refusedStream), timeout: 1, limit: 1)
        #expect(refused.isRefused && refused.isRetryable && !refused.isEndpointFailure && refused.kind == .connection)
        #expect(EngineError(transportError: NIOHTTP2Errors.createdStreamAfterGoaway(), timeout: 1, limit: 1).isRefused)
        let reset = EngineError(transportError: NIOHTTP2Errors.streamClosed(streamID: 3, errorCode: .internalError), timeout: 1, limit: 1)
        #expect(!reset.isRefused && reset.description.hasPrefix("connection lost: the server reset the request's HTTP/2 stream"))
    }

    /// An error that is already fanout's passes through; a failure to reach a proxy names the proxy
    /// (never its credentials), other errors are left as they are.
    @Test func proxyFailures() throws {
        let own = EngineError.connect("the proxy http://p:1 refused a tunnel to h:443 (403)")
        #expect(EngineError(transportError: own, timeout: 1, limit: 1) == own)
        let proxy = try ProxyServer.parse("http://user:secret@proxy:3128")
        let reached = EngineError.connect("connection refused").reachingProxy(proxy)
        #expect(reached.description == "connection failed: cannot reach the proxy http://***@proxy:3128: connection refused")
        #expect(EngineError.connectTimeout(seconds: 2).reachingProxy(proxy).description.contains("cannot reach the proxy"))
        #expect(EngineError.timeout(seconds: 2).reachingProxy(proxy) == .timeout(seconds: 2))
    }

    /// The watcher reports the server's first SETTINGS_MAX_CONCURRENT_STREAMS (100 when unset, at
    /// most 1,000; 0 fails the connection as allowing no streams) and marks the connection on GOAWAY
    /// with the requests it processed.
    @Test func watcherReadsSettingsAndGoAway() throws {
        for (settings, expected) in [([HTTP2Setting(parameter: .maxConcurrentStreams, value: 128)], 128), ([], 100),
                                     ([HTTP2Setting(parameter: .maxConcurrentStreams, value: 1 << 20)], 1_000)] {
            let channel = EmbeddedChannel()
            let ready = channel.eventLoop.makePromise(of: Int.self)
            let flag = GoAwayFlag()
            try channel.pipeline.syncOperations.addHandler(HTTP2Watcher(ready: ready, goingAway: flag))
            try channel.writeInbound(HTTP2Frame(streamID: .rootStream, payload: .settings(.settings(settings))))
            #expect(try ready.futureResult.wait() == expected)
            #expect(!flag.isSet && flag.processed == nil)
            try channel.writeInbound(HTTP2Frame(streamID: .rootStream, payload: .goAway(lastStreamID: HTTP2StreamID(9), errorCode: .noError, opaqueData: nil)))
            #expect(flag.isSet && flag.processed == 5)
            _ = try? channel.finish()
        }
        let channel = EmbeddedChannel()
        let ready = channel.eventLoop.makePromise(of: Int.self)
        try channel.pipeline.syncOperations.addHandler(HTTP2Watcher(ready: ready, goingAway: GoAwayFlag()))
        try channel.writeInbound(HTTP2Frame(streamID: .rootStream, payload: .settings(.settings([HTTP2Setting(parameter: .maxConcurrentStreams, value: 0)]))))
        let outcome = Result { try ready.futureResult.wait() }
        #expect((try? outcome.get()) == nil)
        if case .failure(let error) = outcome { #expect(error as? EngineError == .noStreams) }
        #expect(EngineError.noStreams.isUnprocessed && EngineError.noStreams.isNoConnection)
    }
}
