import Testing
@testable import Engine

/// OpenAI chat bodies as Anthropic Messages bodies and back, for the common subset.
@Suite struct DialectTranslationTests {
    static func json(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    /// System and developer messages are hoisted (one as a string, several joined with blank
    /// lines); stop, user, temperature and top_p map; max_tokens is kept; nothing else is added.
    @Test func openAIToAnthropic() throws {
        let body = try Self.json(#"""
            {"model":"claude-sonnet-4-5","messages":[{"role":"system","content":"Be brief."},{"role":"developer","content":[{"type":"text","text":"No lists."}]},
             {"role":"user","content":"hi"}],"max_tokens":50,"stop":"END","temperature":0.2,"top_p":0.9,"user":"u-7","stream_options":{"include_usage":true}}
            """#)
        let out = try AnthropicTranslation.body(fromOpenAI: body)
        #expect(out["system"] == "Be brief.\n\nNo lists.")
        #expect(out["messages"] == .array([.object([JSONField("role", "user"), JSONField("content", "hi")])]))
        #expect(out["stop_sequences"] == .array(["END"]) && out["max_tokens"] == 50 && out["temperature"] == .number("0.2"))
        #expect(out["metadata"]?["user_id"] == "u-7" && out["stream_options"] == nil && out["user"] == nil)
        let one = try AnthropicTranslation.body(fromOpenAI: Self.json(#"{"messages":[{"role":"system","content":"S"},{"role":"user","content":"q"}]}"#))
        #expect(one["system"] == "S" && one["max_tokens"] == .number(Defaults.anthropicMaxTokens))
    }

    /// Images, tool calls, tool results, tools and tool_choice map both ways.
    @Test func toolsAndImages() throws {
        let body = try Self.json(#"""
            {"model":"m","max_tokens":9,"messages":[
              {"role":"user","content":[{"type":"text","text":"look"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get","arguments":"{\"city\":\"Oslo\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"7 degrees"}],
             "tools":[{"type":"function","function":{"name":"get","description":"weather","parameters":{"type":"object"}}}],"tool_choice":"required"}
            """#)
        let anthropic = try AnthropicTranslation.body(fromOpenAI: body)
        let messages = anthropic["messages"]
        #expect(messages?[0]?["content"]?[1]?["source"]?["media_type"] == "image/png" && messages?[0]?["content"]?[1]?["source"]?["data"] == "AAAA")
        #expect(messages?[1]?["content"]?[0]?["type"] == "tool_use" && messages?[1]?["content"]?[0]?["input"]?["city"] == "Oslo")
        #expect(messages?[2]?["role"] == "user" && messages?[2]?["content"]?[0]?["tool_use_id"] == "call_1")
        #expect(anthropic["tools"]?[0]?["input_schema"]?["type"] == "object" && anthropic["tool_choice"]?["type"] == "any")

        let back = try OpenAITranslation.body(fromAnthropic: anthropic)
        #expect(back["messages"]?[0]?["content"]?[1]?["image_url"]?["url"] == "data:image/png;base64,AAAA")
        #expect(back["messages"]?[1]?["tool_calls"]?[0]?["function"]?["name"] == "get")
        #expect(back["messages"]?[2]?["role"] == "tool" && back["messages"]?[2]?["content"] == "7 degrees")
        #expect(back["tools"]?[0]?["function"]?["parameters"]?["type"] == "object" && back["tool_choice"] == "required")
    }

    /// Anthropic's system (string or blocks) becomes the first message; stop_sequences, metadata map.
    @Test func anthropicToOpenAI() throws {
        let body = try Self.json(#"""
            {"model":"m","max_tokens":20,"system":[{"type":"text","text":"A"},{"type":"text","text":"B"}],"stop_sequences":["X"],
             "metadata":{"user_id":"u"},"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}
            """#)
        let out = try OpenAITranslation.body(fromAnthropic: body)
        #expect(out["messages"]?[0] == .object([JSONField("role", "system"), JSONField("content", "A\n\nB")]))
        #expect(out["messages"]?[1]?["content"] == "hi" && out["stop"] == .array(["X"]) && out["user"] == "u" && out["max_tokens"] == 20)
    }

    /// What has no counterpart is named, not dropped.
    @Test(arguments: [
        (#"{"messages":[{"role":"user","content":"q"}],"response_format":{"type":"json_object"}}"#, true, "response_format"),
        (#"{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}]}"#, true, "input_audio"),
        (#"{"messages":[{"role":"user","content":"q"}],"top_k":5,"max_tokens":5}"#, false, "top_k"),
        (#"{"messages":[{"role":"user","content":[{"type":"document","source":{}}]}],"max_tokens":5}"#, false, "document"),
        (#"{"messages":[{"role":"system","content":"be brief"}]}"#, true, "only system messages"),
    ])
    func untranslatable(body: String, toAnthropic: Bool, named: String) throws {
        let value = try Self.json(body)
        do {
            _ = toAnthropic ? try AnthropicTranslation.body(fromOpenAI: value) : try OpenAITranslation.body(fromAnthropic: value)
            Issue.record("translated")
        } catch {
            #expect(error.description.contains(named), "\(error)")
        }
    }

    /// A body's dialect is read from what only Anthropic has; routing keeps untranslatable lines to
    /// their own kind, and refuses them when the run has none.
    @Test func dialectsAndRouting() throws {
        #expect(APIDialect.of(body: try Self.json(#"{"system":"s","messages":[]}"#)) == .anthropic)
        #expect(APIDialect.of(body: try Self.json(#"{"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"x"}]}]}"#)) == .anthropic)
        #expect(APIDialect.of(body: try Self.json(#"{"messages":[{"role":"system","content":"s"}]}"#)) == .openAI)
        #expect(APIDialect.implied(by: EndpointURL("https://api.anthropic.com")!) == .anthropic)
        #expect(EndpointURL("https://api.anthropic.com")!.requestPath(batchPath: nil, dialect: .anthropic) == "/v1/messages")
        #expect(EndpointURL("http://h:1/v1")!.requestPath(batchPath: nil, dialect: .anthropic) == "/v1/messages")
        let bad = try Self.json(#"{"messages":[{"role":"user","content":"q"}],"response_format":{"type":"json_object"}}"#)
        var record = RequestRecord(id: "1", line: 1, form: .chat, input: bad, body: bad)
        #expect(DialectRouting([.openAI, .anthropic]).refusal(for: &record) == nil && !record.translates)
        #expect(DialectRouting([.anthropic]).refusal(for: &record)?.contains("response_format") == true)
    }
}
