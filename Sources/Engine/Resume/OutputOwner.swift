#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which input a save or errors file was written for, kept in a small JSON file beside it
/// (`errors.jsonl.fanout.json`), never as a line in the JSONL itself.
///
/// A run refuses to resume from, or restart, an output that another input's run wrote: the default
/// `errors.jsonl` is shared by every input whose save file is in the same directory.
public struct OutputOwner: Sendable, Equatable {
    /// The input's absolute path with symlinks resolved, or `-` for stdin.
    public var input: String
    /// The save and errors files of the run that wrote it (absolute).
    public var save: String
    public var errors: String

    public init(input: String, save: String, errors: String) {
        self.input = input
        self.save = save
        self.errors = errors
    }

    /// Where the owner of the output at `path` is kept.
    public static func sidecarPath(for path: String) -> String { path + ".fanout.json" }

    /// The recorded owner of the output at `path`; nil when none was recorded (a file from before
    /// fanout kept owners, or no file) or the record cannot be read.
    public static func recorded(for path: String) -> OutputOwner? {
        guard let bytes = POSIXFile.contents(of: sidecarPath(for: path), limit: 64 * 1024),
              let json = try? JSONParser.parse(bytes), let input = json["input"]?.stringValue else { return nil }
        return OutputOwner(input: input, save: json["save"]?.stringValue ?? "", errors: json["errors"]?.stringValue ?? "")
    }

    /// Records this owner beside the output at `path` (written whole, then renamed into place).
    /// - Parameter isSave: `path` is this owner's save file (else its errors file); said by the
    ///   caller, since `path` may be spelled relative and the file may not exist yet.
    public func record(beside path: String, isSave: Bool) throws(EngineError) {
        let sidecar = Self.sidecarPath(for: path)
        let json = JSONValue.object([
            JSONField("fanout_output", .string(isSave ? "save" : "errors")),
            JSONField("input", .string(input)),
            JSONField("save", .string(save)),
            JSONField("errors", .string(errors)),
        ])
        try AtomicFile.write(json.encodedBytes + [0x0A], to: sidecar)
    }

    /// The owner of the output at `path` when it is another input's: recorded, for a different
    /// input, and the file holds something (an empty output may be taken over). Nil otherwise.
    public static func conflict(at path: String, for owner: OutputOwner) -> OutputOwner? {
        guard let recorded = recorded(for: path), recorded.input != owner.input, POSIXFile.size(of: path) ?? 0 > 0 else {
            return nil
        }
        return recorded
    }
}
