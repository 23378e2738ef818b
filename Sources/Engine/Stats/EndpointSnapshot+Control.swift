extension EndpointSnapshot {
    public var weight: Double {
        get { control.weight }
        set { control.weight = newValue }
    }
    public var state: State {
        get { control.status }
        set { control.status = newValue }
    }
    public var inFlight: Int {
        get { control.inFlight }
        set { control.inFlight = newValue }
    }
    /// The rate and in-flight cap in force, and where they come from.
    public var limits: EndpointLimits {
        get { control.limits }
        set { control.limits = newValue }
    }
    /// The endpoint's in-flight cap in force (`max_in_flight`, automatic or set by key), nil when it has none.
    public var maxInFlight: Int? {
        get { control.limits.inFlightCap }
        set { control.limits.inFlightCap = newValue }
    }
    /// What the endpoint's last `x-ratelimit-*` headers said (nil: it sends none).
    public var providerLimits: ProviderRateLimits? {
        get { control.providerLimits }
        set { control.providerLimits = newValue }
    }
    /// Every result since its last answer has been a failure (connection, timeout, 5xx).
    public var isFailing: Bool {
        get { control.isFailing }
        set { control.isFailing = newValue }
    }
}
