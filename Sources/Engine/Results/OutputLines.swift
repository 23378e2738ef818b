/// The lines a run writes, in its output format: fanout's own (`OutputRecord`) or the OpenAI Batch
/// API's (`BatchOutputRecord`).
struct OutputLines {
    let format: OutputFormat
    /// Endpoint names by index, for fanout's lines.
    let names: [String]

    func success(_ record: RequestRecord, answer: ParsedAnswer, endpoint: Int, attempts: Int, latency: Double) -> JSONValue {
        switch format {
        case .fanout: OutputRecord.success(record: record, answer: answer, endpoint: names[endpoint], attempts: attempts, latency: latency)
        case .openAIBatch: BatchOutputRecord.success(record: record, answer: answer)
        }
    }

    /// - Parameter message: the error's redacted description.
    func failure(_ record: RequestRecord, error: EngineError, message: String, endpoint: Int, attempts: Int) -> JSONValue {
        switch format {
        case .fanout: OutputRecord.failure(record: record, error: message, status: error.status, attempts: attempts, endpoint: names[endpoint])
        case .openAIBatch: BatchOutputRecord.failure(record: record, error: error, message: message)
        }
    }

    func badLine(_ bad: BadLine) -> JSONValue {
        switch format {
        case .fanout: OutputRecord.badLine(bad)
        case .openAIBatch: BatchOutputRecord.badLine(bad)
        }
    }
}
