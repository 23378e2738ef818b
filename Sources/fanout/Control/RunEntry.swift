/// What a running fanout leaves in the control directory so `ps` and `attach` can find it.
///
/// Holds no secret: a TCP endpoint's token stays in its variable, and only the variable's name is here.
struct RunEntry: Codable, Hashable, Sendable {
    var process: ProcessIdentity
    /// Unix time the run started, seconds.
    var startedAt: Double
    var host: String
    var version: String
    var input: String
    var save: String
    var errors: String
    /// Its control endpoint (a socket path or `host:port`), nil with `--control none`.
    var control: String?
    /// The variable a TCP endpoint's token is in.
    var tokenEnv: String?

    var pid: Int32 { process.pid }
}
