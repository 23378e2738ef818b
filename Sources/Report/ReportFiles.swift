import Engine
import Foundation

/// Where a report goes: `PATH.html` and, beside it, `PATH.json` with the same figures.
public struct ReportFiles: Sendable, Hashable {
    public let html: String

    public init(html: String) { self.html = html }

    /// The JSON's path: the HTML's with `.json` for its extension (`.json` added when it has none).
    public var json: String {
        let url = URL(fileURLWithPath: html)
        return url.pathExtension.isEmpty ? html + ".json" : url.deletingPathExtension().path + ".json"
    }

    /// Writes both files (each through a temporary file renamed into place, so a reader never sees
    /// half a report). Throws a sentence naming the file that could not be written.
    public func write(_ data: ReportData) throws(EngineError) {
        try Self.write(ReportHTML.render(data), to: html)
        var json = data.json.encodedString
        json += "\n"
        try Self.write(json, to: self.json)
    }

    private static func write(_ text: String, to path: String) throws(EngineError) {
        try AtomicFile.write(Array(text.utf8), to: path, what: "the report could not be written")
    }
}
