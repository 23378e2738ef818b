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

    /// A 400 naming stream_options refuses them for good and sends the request again without
    /// them; a 400 that does not name them (a context overflow) is the request's own: sent once.
    @Test func learnsRefusals() {
        var negotiation = StreamNegotiation(endpoints: 2)
        let resend1 = negotiation.answered(endpoint: 0, status: 400, message: "Unrecognized field stream_options", carriedOptions: true, isFallback: false)
        #expect(resend1)
        #expect(negotiation.support[0] == .refused && !negotiation.body(body, endpoint: 0).carriesOptions)
        let overflow = "the request exceeds the available context size, try increasing it"
        let resend2 = negotiation.answered(endpoint: 1, status: 400, message: overflow, carriedOptions: true, isFallback: false)
        #expect(!resend2)
        #expect(negotiation.support[1] == .unknown && negotiation.body(body, endpoint: 1).carriesOptions)
        let resend3 = negotiation.answered(endpoint: 1, status: 422, message: "include_usage is not supported", carriedOptions: true, isFallback: false)
        #expect(resend3 && negotiation.support[1] == .refused)
        let resend4 = negotiation.answered(endpoint: 1, status: 400, message: "stream_options", carriedOptions: false, isFallback: true)
        #expect(!resend4)
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
