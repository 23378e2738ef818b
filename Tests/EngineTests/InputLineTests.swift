import Testing
@testable import Engine

@Suite struct InputLineTests {
    let defaults = RequestDefaults(model: "m", systemPrompt: "be brief", maxTokens: 120, temperature: 0.4)

    func classify(_ text: String, line: Int = 7, defaults: RequestDefaults? = nil) -> SourceItem {
        InputLine.classify(Array(text.utf8), line: line, defaults: defaults ?? self.defaults)
    }

    /// A seed line becomes a chat body with the system prompt and defaults; id is the line number.
    @Test func seedForm() throws {
        guard case .record(let record) = classify(#"{"input":"hi","metadata":{"k":1}}"#) else { Issue.record("not a record"); return }
        #expect(record.id == "7")
        #expect(record.form == .seed)
        #expect(record.input == "hi")
        #expect(record.metadata == .object([JSONField("k", 1)]))
        #expect(record.body.encodedString ==
            #"{"model":"m","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}],"max_tokens":120,"temperature":0.4}"#)
    }

    /// A chat line is sent as its body: defaults fill only what is absent, id/custom_id/metadata are removed.
    @Test func chatForm() throws {
        guard case .record(let record) = classify(#"{"id":"q1","model":"x","messages":[{"role":"user","content":"a"}],"metadata":5}"#) else {
            Issue.record("not a record"); return
        }
        #expect(record.id == "q1")
        #expect(record.form == .chat)
        #expect(record.body.encodedString == #"{"model":"x","messages":[{"role":"user","content":"a"}],"max_tokens":120,"temperature":0.4}"#)
        #expect(record.metadata == 5)
    }

    /// A Batch API line keeps its custom_id and url; the body is what is sent.
    @Test func batchForm() throws {
        let line = #"{"custom_id":"r-9","method":"POST","url":"/v1/completions","body":{"model":"y","prompt":"p"}}"#
        guard case .record(let record) = classify(line, defaults: RequestDefaults()) else { Issue.record("not a record"); return }
        #expect(record.id == "r-9")
        #expect(record.path == "/v1/completions")
        #expect(record.body.encodedString == #"{"model":"y","prompt":"p"}"#)
    }

    /// Bad lines carry their line number, raw text and a reason.
    @Test(arguments: [
        ("nope", "not valid JSON"), ("[1,2]", "not a JSON object"), (#"{"x":1}"#, "no \"input\""),
        (#"{"input":5}"#, "\"input\" must be a string"),
        (#"{"id":"3","input":"{x","error":"line 3: not valid JSON","status":null,"attempts":0}"#, "error record of a bad input line"), (#"{"messages":"hi"}"#, "\"messages\" must be an array"),
        (#"{"custom_id":"a","body":{},"method":"GET"}"#, "\"method\" must be POST"),
    ])
    func badLines(_ text: String, _ reason: String) {
        guard case .bad(let bad) = classify(text, line: 42) else { Issue.record("accepted \(text)"); return }
        #expect(bad.line == 42)
        #expect(bad.raw == text)
        #expect(bad.reason.contains(reason))
    }

    /// Lines of an errors file are sent again as they were: a prompt, a chat body, a Batch body with its url.
    @Test func errorsFileLines() {
        guard case .record(let seed) = classify(#"{"id":"a","input":"hi","error":"HTTP 500","status":500,"attempts":5}"#) else {
            Issue.record("seed line refused"); return
        }
        #expect(seed.id == "a" && seed.form == .seed)
        let chat = #"{"id":"b","input":{"model":"x","messages":[{"role":"user","content":"q"}]},"error":"timeout","attempts":3}"#
        guard case .record(let chatRecord) = classify(chat, defaults: RequestDefaults()) else { Issue.record("chat line refused"); return }
        #expect(chatRecord.form == .chat && chatRecord.body["messages"] != nil && chatRecord.path == nil)
        let batch = #"{"id":"c","input":{"model":"y","prompt":"p"},"url":"/v1/completions","error":"HTTP 503","attempts":5}"#
        guard case .record(let batchRecord) = classify(batch, defaults: RequestDefaults()) else { Issue.record("batch line refused"); return }
        #expect(batchRecord.path == "/v1/completions" && batchRecord.body == .object([JSONField("model", "y"), JSONField("prompt", "p")]))
    }

    /// A numeric custom_id keeps its text as the id.
    @Test func numericID() {
        guard case .record(let record) = classify(#"{"custom_id":17,"input":"x"}"#) else { Issue.record("not a record"); return }
        #expect(record.id == "17")
    }
}
