import Testing

extension Tag {
    /// Slow by nature: real sockets and timing at the servers, the real binary, tmux, openssl.
    /// Run apart and one suite at a time: `swift test --filter IntegrationTests --no-parallel`.
    @Tag public static var integration: Self
}
