import Testing
@testable import Engine

@Suite struct StreamNegotiationTests {
    let body = JSONValue.object([JSONField("messages", [])])

    /// `--stream` adds stream and stream_options; a line that sets stream (or its options) keeps them.
    @Test func addsStreamAndOptions() {
        let negotiation = StreamNegotiation(endpoints: 1)
        let (sent, carries) = negotiation.body(body, endpoint: 0)
        #expect(sent["stream"] == true && sent["stream_options"]?["include_usage"] == true && carries)
        let off = negotiation.body(body.setting("stream", to: false), endpoint: 0)
        #expect(off.body["stream"] == false && off.body["stream_options"] == nil && !off.carriesOptions)
        let own = negotiation.body(body.setting("stream_options", to: .object([])), endpoint: 0)
        #expect(own.body["stream_options"] == .object([]) && !own.carriesOptions)
    }

    /// A 400 naming stream_options refuses them for good; an unnamed 400 before any answer is tried
    /// once without: refused again without them, the options are ruled out (later 400s are sent
    /// once); answered without them, they are refused for good.
    @Test func learnsRefusals() {
        var negotiation = StreamNegotiation(endpoints: 3)
        let resend1 = negotiation.answered(endpoint: 0, status: 400, message: "Unrecognized field stream_options", carriedOptions: true, isFallback: false)
        #expect(resend1)
        #expect(negotiation.support[0] == .refused && !negotiation.body(body, endpoint: 0).carriesOptions)
        let resend2 = negotiation.answered(endpoint: 1, status: 400, message: "bad request", carriedOptions: true, isFallback: false)
        #expect(resend2)
        #expect(negotiation.support[1] == .unknown)
        let resend3 = negotiation.answered(endpoint: 1, status: 400, message: "bad request", carriedOptions: false, isFallback: true)
        #expect(!resend3)
        #expect(negotiation.support[1] == .accepted)
        let resendRuledOut = negotiation.answered(endpoint: 1, status: 400, message: "bad request", carriedOptions: true, isFallback: false)
        #expect(!resendRuledOut)
        _ = negotiation.answered(endpoint: 2, status: 400, message: "bad request", carriedOptions: true, isFallback: false)
        let resend4 = negotiation.answered(endpoint: 2, status: 200, message: nil, carriedOptions: false, isFallback: true)
        #expect(!resend4)
        #expect(negotiation.support[2] == .refused)
    }

    /// Once an endpoint answered a request with options, a 400 that does not name them is the request's own.
    @Test func acceptedEndpointsDoNotResend() {
        var negotiation = StreamNegotiation(endpoints: 1)
        let resend5 = negotiation.answered(endpoint: 0, status: 200, message: nil, carriedOptions: true, isFallback: false)
        #expect(!resend5)
        #expect(negotiation.support[0] == .accepted)
        let resend6 = negotiation.answered(endpoint: 0, status: 400, message: "max_tokens too large", carriedOptions: true, isFallback: false)
        #expect(!resend6)
        let resend7 = negotiation.answered(endpoint: 0, status: 500, message: "oops", carriedOptions: true, isFallback: false)
        #expect(!resend7)
    }

    /// Only completion paths stream: an embeddings line under --stream is sent as it is.
    @Test func onlyCompletionsStream() {
        #expect(TransportRequest.streams("/v1/chat/completions") && TransportRequest.streams("/v1/completions?api-version=1"))
        #expect(!TransportRequest.streams("/v1/embeddings") && !TransportRequest.streams("/v1/moderations?x=/completions"))
    }
}
