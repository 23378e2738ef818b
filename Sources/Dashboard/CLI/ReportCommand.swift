import ArgumentParser
import Engine
import Foundation

/// `fanout report`: a run's report rebuilt from its save and errors files.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rebuild a run's HTML report (and its JSON) from its save and errors files.",
        discussion: """
            Throughput, latency and TTFT per endpoint and errors over time come from the records' started_at, latency_ms \
            and stream fields; the limits in force and the operator's actions were never in the files and are left out. \
            OpenAI Batch output files carry no times or endpoints: they give the totals only.
            """)

    @Argument(help: ArgumentHelp("The save file (fanout's or OpenAI Batch output lines).", valueName: "save.jsonl"), completion: .file())
    var save: String

    @Argument(help: ArgumentHelp("The errors file (default: the one the save file's sidecar names, else SAVE_errors.jsonl or errors.jsonl beside it, when it exists).", valueName: "errors.jsonl"), completion: .file())
    var errors: String?

    @Option(name: .customLong("output"), help: ArgumentHelp("Where the HTML goes; its figures go beside it as PATH.json (default: the save file's name with _report.html).", valueName: "path.html"), completion: .file())
    var output: String?

    /// The errors file: as named, else the one the run recorded beside the save file, else the
    /// default names a run gives it (`out_errors.jsonl`, then the older shared `errors.jsonl`).
    var errorsPath: String? {
        if let errors { return errors }
        let candidates = [OutputOwner.recorded(for: save)?.errors, RunOptions.errorsPath(namedAfter: save),
                          RunOptions.sibling(of: save, named: "errors.jsonl")]
        return candidates.compactMap { $0 }.first { !$0.isEmpty && FileManager.default.fileExists(atPath: $0) }
    }

    var outputPath: String {
        output ?? (save.hasSuffix(".jsonl") ? String(save.dropLast(6)) : save) + "_report.html"
    }

    func validate() throws {
        for path in [save] + (errors.map { [$0] } ?? []) where !FileManager.default.isReadableFile(atPath: path) {
            throw ValidationError("\(path) cannot be read: give the save file (and the errors file) of a fanout run.")
        }
        let directory = (outputPath as NSString).deletingLastPathComponent
        guard FileManager.default.isWritableFile(atPath: directory.isEmpty ? "." : directory) else {
            throw ValidationError("--output: the directory of \(outputPath) is missing or not writable.")
        }
    }

    func run() async throws {
        var rebuild = ReportRebuild()
        do {
            try rebuild.read(save, failures: false)
            if let errorsPath { try rebuild.read(errorsPath, failures: true) }
            let files = ReportFiles(html: outputPath)
            try files.write(rebuild.data(save: save, errors: errorsPath ?? ""))
            Console.out("fanout report: \(Format.count(rebuild.rows.count)) records → \(files.html) (its figures: \(files.json))")
            if rebuild.skipped > 0 {
                Console.error("fanout report: \(Format.count(rebuild.skipped)) lines were not records of a fanout run and were skipped")
            }
        } catch {
            Console.error("fanout report: \(error)")
            throw RunExit.fatalIO
        }
    }
}
