/// What the screen shows that does not change during a run.
struct RenderContext: Hashable, Sendable {
    /// The input's file name (`stdin` for `-`).
    var inputName: String
    var saveName: String
    /// Lines in the input when counted (nil for stdin, or before the count finishes).
    var totalLines: Int?
    /// Where `--metrics_port` serves, when it does.
    var metricsURL: String?

    init(inputName: String, saveName: String, totalLines: Int? = nil, metricsURL: String? = nil) {
        self.inputName = inputName
        self.saveName = saveName
        self.totalLines = totalLines
        self.metricsURL = metricsURL
    }
}
