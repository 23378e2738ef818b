extension EndpointURL {
    /// Whether the host is a known hosted API (OpenAI, Anthropic, Google, Azure OpenAI, Mistral, …):
    /// such endpoints have no server metrics to read and bill by the model asked for.
    public var isKnownHostedAPI: Bool {
        let host = host.lowercased()
        if Self.hostedHosts.contains(host) { return true }
        return Self.hostedSuffixes.contains { host.hasSuffix($0) }
    }

    static let hostedHosts: Set<String> = [
        "api.openai.com", "api.anthropic.com", "generativelanguage.googleapis.com", "api.mistral.ai", "api.groq.com",
        "api.together.xyz", "api.together.ai", "api.deepseek.com", "openrouter.ai", "api.fireworks.ai", "api.x.ai",
        "api.cohere.com", "api.cohere.ai", "api.perplexity.ai", "api.deepinfra.com", "api.cerebras.ai", "api.sambanova.ai",
    ]
    static let hostedSuffixes = [".openai.azure.com", ".googleapis.com", ".amazonaws.com", ".services.ai.azure.com"]
}
