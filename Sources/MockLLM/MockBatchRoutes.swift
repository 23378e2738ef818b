import Engine
import Foundation
import NIOHTTP1

/// The mock's batch routes: OpenAI's `/v1/files` and `/v1/batches`, Anthropic's `/v1/messages/batches`.
enum MockBatchRoutes {
    /// The status and body for a batch route; nil when `path` is none.
    static func answer(head: HTTPRequestHead, path: String, body: [UInt8], batches: MockBatches, host: String) -> (Int, [UInt8])? {
        let parts = path.split(separator: "/").map(String.init).drop { $0 == "v1" || $0 == "openai" }
        let now = batches.clock()
        let query = head.uri.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        let p = Array(parts)
        // The route with ids as "*", and the ids.
        let ids = p.enumerated().filter { index, part in index > 0 && !["content", "cancel", "results", "batches"].contains(part) }.map(\.element)
        let shape = p.enumerated().map { index, part in index > 0 && !["content", "cancel", "results", "batches"].contains(part) ? "*" : part }
            .joined(separator: "/")
        let id = ids.first ?? ""
        switch (head.method, shape) {
        case (.POST, "files"):
            guard let boundary = head.headers.first(name: "content-type").flatMap(Self.boundary),
                  let file = Self.filePart(body, boundary: boundary) else {
                return (400, MockReply.error(status: 400, message: "send multipart/form-data with purpose=batch and a file part", type: "invalid_request_error"))
            }
            return (200, batches.addFile(file.bytes, filename: file.filename).encodedBytes)
        case (.GET, "files/*/content"):
            guard let bytes = batches.file(id) else { return notFound("file \(id)") }
            return (200, bytes)
        case (.DELETE, "files/*"):
            guard batches.deleteFile(id) else { return notFound("file \(id)") }
            return (200, JSONValue.object([JSONField("id", .string(id)), JSONField("object", "file"), JSONField("deleted", true)]).encodedBytes)
        case (.POST, "batches"):
            guard let json = try? JSONParser.parse(body), let fileID = json["input_file_id"]?.stringValue else {
                return (400, MockReply.error(status: 400, message: "input_file_id is required", type: "invalid_request_error"))
            }
            guard let id = batches.createOpenAI(fileID: fileID, metadata: json["metadata"] ?? .null), let batch = batches.batch(id) else {
                return notFound("file \(fileID)")
            }
            return (200, batches.openAIObject(batch, now: now).encodedBytes)
        case (.GET, "batches"):
            return (200, list(batches.list(anthropic: false), query: query, afterKey: "after") { batches.openAIObject($0, now: now) })
        case (.GET, "batches/*"):
            guard let batch = batches.batch(id), !batch.anthropic else { return notFound("batch \(id)") }
            return (200, batches.openAIObject(batch, now: now).encodedBytes)
        case (.POST, "batches/*/cancel"):
            guard batches.cancel(id), let batch = batches.batch(id) else { return notFound("batch \(id)") }
            return (200, batches.openAIObject(batch, now: now).encodedBytes)
        case (.POST, "messages/batches"):
            let json = try? JSONParser.parse(body)
            let created = json.map { batches.createAnthropic(body: $0) } ?? (nil, "body: Input should be a JSON object")
            guard let id = created.id, let batch = batches.batch(id) else {
                return (400, AnthropicMockReply.error(status: 400, message: created.problem ?? "invalid"))
            }
            return (200, batches.anthropicObject(batch, now: now, baseURL: "http://\(host)/v1").encodedBytes)
        case (.GET, "messages/batches"):
            return (200, list(batches.list(anthropic: true), query: query, afterKey: "after_id") { batches.anthropicObject($0, now: now, baseURL: "http://\(host)/v1") })
        case (.GET, "messages/batches/*"):
            guard let batch = batches.batch(id), batch.anthropic else { return notFound("message batch \(id)") }
            return (200, batches.anthropicObject(batch, now: now, baseURL: "http://\(host)/v1").encodedBytes)
        case (.POST, "messages/batches/*/cancel"):
            guard batches.cancel(id), let batch = batches.batch(id), batch.anthropic else { return notFound("message batch \(id)") }
            return (200, batches.anthropicObject(batch, now: now, baseURL: "http://\(host)/v1").encodedBytes)
        case (.GET, "messages/batches/*/results"):
            guard let batch = batches.batch(id), batch.anthropic else { return notFound("message batch \(id)") }
            guard batch.ended != nil, let file = batch.outputFileID, let bytes = batches.file(file) else {
                return (400, AnthropicMockReply.error(status: 400, message: "batch \(id) has not ended yet"))
            }
            return (200, bytes)
        default:
            return nil
        }
    }

    private static func notFound(_ what: String) -> (Int, [UInt8]) {
        (404, MockReply.error(status: 404, message: "No such \(what)", type: "invalid_request_error"))
    }

    /// A page of batches, newest first: `limit` (default 20) after the id `afterKey` names.
    private static func list(_ all: [MockBatches.Batch], query: String, afterKey: String, object: (MockBatches.Batch) -> JSONValue) -> [UInt8] {
        var fields: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if kv.count == 2 { fields[kv[0]] = kv[1].removingPercentEncoding ?? kv[1] }
        }
        let limit = min(100, max(1, Int(fields["limit"] ?? "") ?? 20))
        var start = 0
        if let after = fields[afterKey], let index = all.firstIndex(where: { $0.id == after }) { start = index + 1 }
        let page = Array(all.dropFirst(start).prefix(limit))
        return JSONValue.object([
            JSONField("object", "list"), JSONField("data", .array(page.map(object))),
            JSONField("first_id", page.first.map { .string($0.id) } ?? .null), JSONField("last_id", page.last.map { .string($0.id) } ?? .null),
            JSONField("has_more", .bool(start + page.count < all.count)),
        ]).encodedBytes
    }

    /// The boundary of a `multipart/form-data` content type.
    static func boundary(_ contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data"), let range = contentType.range(of: "boundary=") else { return nil }
        var value = String(contentType[range.upperBound...])
        if let semicolon = value.firstIndex(of: ";") { value = String(value[..<semicolon]) }
        return value.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
    }

    /// The part named `file` of a multipart body: its filename and bytes.
    static func filePart(_ body: [UInt8], boundary: String) -> (filename: String, bytes: [UInt8])? {
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [ArraySlice<UInt8>] = []
        var index = 0
        var start: Int?
        while index + delimiter.count <= body.count {
            if body[index..<(index + delimiter.count)].elementsEqual(delimiter) {
                if let start { parts.append(body[start..<index]) }
                index += delimiter.count
                start = index
            } else {
                index += 1
            }
        }
        let separator: [UInt8] = [13, 10, 13, 10]
        for part in parts {
            guard let split = part.firstRange(of: separator) else { continue }
            let headers = String(decoding: part[part.startIndex..<split.lowerBound], as: UTF8.self)
            guard headers.contains("name=\"file\"") else { continue }
            var content = Array(part[split.upperBound...])
            if content.suffix(2) == [13, 10] { content.removeLast(2) }
            let filename = headers.range(of: "filename=\"").map { range in
                String(headers[range.upperBound...].prefix { $0 != "\"" })
            } ?? "upload.jsonl"
            return (filename, content)
        }
        return nil
    }
}
