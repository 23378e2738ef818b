import ArgumentParser
import Engine
import Foundation
import Report

/// `fanout report`: a report rebuilt from save and errors files, of one run or of a whole fleet.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild the HTML report (and its JSON) from save and errors files: one run's, or every shard's of a fleet.",
        discussion: """
            Each line is read as a saved answer or a failure by its content, so the files may come in any order. A save \
            file's own errors file is added when it exists and is not given. Totals are summed, endpoints merged by name \
            and timelines aligned by wall time. Throughput, latency and TTFT per endpoint and errors over time come from \
            the records' started_at, latency_ms and stream fields; the limits in force and the operator's actions were \
            never in the files and are left out. Batch output files (OpenAI's or Anthropic's Message Batches) carry no times or endpoints: they give the \
            totals only.
            """)

    @Argument(help: ArgumentHelp("Save and errors files (fanout's lines, or OpenAI or Anthropic batch output lines): one run's, or every shard's.", valueName: "file.jsonl"), completion: .file())
    var files: [String] = []

    @Option(name: .customLong("output"), help: ArgumentHelp("Where the HTML goes; its figures go beside it as PATH.json (default: the first file's name with _report.html).", valueName: "path.html"), completion: .file())
    var output: String?

    /// The files to read: those given, each save file's errors file added when it exists (the
    /// one its run recorded, else `SAVE_errors.jsonl`, else the older `errors.jsonl` beside it),
    /// each file once however it was named.
    var paths: [String] {
        var seen = Set<String>()
        var paths: [String] = []
        func add(_ path: String) {
            let key = RunOptions.absolute(path)
            if seen.insert(key).inserted { paths.append(path) }
        }
        for file in files { add(file) }
        for file in files {
            let candidates = [OutputOwner.recorded(for: file)?.errors, RunOptions.errorsPath(namedAfter: file),
                              RunOptions.sibling(of: file, named: "errors.jsonl")]
            if let errors = candidates.compactMap({ $0 }).first(where: { !$0.isEmpty && FileManager.default.fileExists(atPath: $0) }),
               !Self.isErrorsFile(file) {
                add(errors)
            }
        }
        return paths
    }

    /// Whether `path` is named as an errors file (`…errors.jsonl`): its own "errors file" is not looked for.
    static func isErrorsFile(_ path: String) -> Bool {
        (path as NSString).lastPathComponent.hasSuffix("errors.jsonl")
    }

    var outputPath: String {
        let first = files.first ?? "fanout"
        return output ?? (first.hasSuffix(".jsonl") ? String(first.dropLast(6)) : first) + "_report.html"
    }

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give the save file of a run (and its errors file), or the files of every shard of a fleet.") }
        for path in files where !FileManager.default.isReadableFile(atPath: path) {
            throw ValidationError("\(path) cannot be read: give the save and errors files of fanout runs.")
        }
        let directory = (outputPath as NSString).deletingLastPathComponent
        guard FileManager.default.isWritableFile(atPath: directory.isEmpty ? "." : directory) else {
            throw ValidationError("--output: the directory of \(outputPath) is missing or not writable.")
        }
    }

    func run() async throws {
        var rebuild = ReportRebuild()
        let paths = self.paths
        do {
            for path in paths { try rebuild.read(path) }
            let saves = paths.filter { !Self.isErrorsFile($0) }, errors = paths.filter(Self.isErrorsFile)
            let files = ReportFiles(html: outputPath)
            try files.write(rebuild.data(save: saves.joined(separator: ", "), errors: errors.joined(separator: ", "),
                                         runs: max(1, rebuild.saveFiles), version: FanoutCommand.configuration.version))
            Console.out("fanout report: \(Format.count(rebuild.recordCount)) records from \(paths.count) files → \(files.html) (its figures: \(files.json))")
            if rebuild.skipped > 0 {
                Console.error("fanout report: \(Format.count(rebuild.skipped)) lines were not records of a fanout run and were skipped")
            }
        } catch {
            Console.error("fanout report: \(error)")
            throw RunExit.fatalIO
        }
    }
}
