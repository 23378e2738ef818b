/// The lines a run writes, in its output format: fanout's own (`OutputRecord`) or the OpenAI Batch
/// API's (`BatchOutputRecord`).
struct OutputLines {
    let format: OutputFormat
    /// Endpoint names by index, for fanout's lines.
    let names: [String]
    /// Unix seconds at the run's time 0: `started_at` = this + the attempt's send time.
    var wallStart: Double = 0
    /// `--save_response full`: `response` is the whole body (a joined stream as one completion).
    var fullResponse = false

    /// - Parameter cost: US dollars the record's attempts cost (nil: not known); Batch lines leave it
    ///   out (a resumed run prices their recorded usage instead).
    /// - Parameter sends: every send of a record sent more than once (`SendTrace`), for fanout's lines.
    func success(_ record: RequestRecord, answer: ParsedAnswer, endpoint: Int, attempts: Int, latency: Double, sentAt: Double = 0,
                 cost: Double? = nil, sends: [SendTrace]? = nil) -> JSONValue {
        switch format {
        case .fanout:
            OutputRecord.success(record: record, answer: fullResponse ? answer.withWholeBody : answer, endpoint: names[endpoint],
                                 attempts: attempts, latency: latency, startedAt: wallStart + sentAt, cost: cost).adding(sends: sends)
        case .openAIBatch: BatchOutputRecord.success(record: record, answer: answer)
        case .anthropicBatch: MessageBatchOutputRecord.success(record: record, answer: answer)
        }
    }

    /// - Parameter message: the error's redacted description.
    func failure(_ record: RequestRecord, error: EngineError, message: String, endpoint: Int, attempts: Int, sentAt: Double = 0,
                 cost: Double? = 0, sends: [SendTrace]? = nil) -> JSONValue {
        switch format {
        case .fanout: OutputRecord.failure(record: record, error: message, status: error.status, attempts: attempts, endpoint: names[endpoint],
                                           startedAt: wallStart + sentAt, cost: cost).adding(sends: sends)
        case .openAIBatch: BatchOutputRecord.failure(record: record, error: error, message: message)
        case .anthropicBatch: MessageBatchOutputRecord.failure(record: record, error: error, message: message)
        }
    }

    func badLine(_ bad: BadLine) -> JSONValue {
        switch format {
        case .fanout: OutputRecord.badLine(bad)
        case .openAIBatch: BatchOutputRecord.badLine(bad)
        case .anthropicBatch: MessageBatchOutputRecord.badLine(bad)
        }
    }
}
