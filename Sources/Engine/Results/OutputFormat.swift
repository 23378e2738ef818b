/// The shape of the lines in the save and errors files.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// fanout's own lines: `{"id", "input", "response", …}` (see `OutputRecord`).
    case fanout
    /// The OpenAI Batch API's output lines, so Batch tooling reads fanout's files unchanged
    /// (see `BatchOutputRecord`).
    case openAIBatch = "openai-batch"
    /// Anthropic's Message Batches results lines (see `MessageBatchOutputRecord`).
    case anthropicBatch = "anthropic-batch"

    /// Whether a success needs the whole response body (Batch lines carry it).
    var keepsResponseBody: Bool { self != .fanout }
}
