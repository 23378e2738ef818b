extension Duration {
    /// This duration in seconds, as the engine's pure types take time.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
