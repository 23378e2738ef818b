extension EndpointSnapshot {
    /// The endpoint's live settings read through the snapshot: `weight`, `inFlight`, `limits` (the
    /// rate and in-flight cap in force, and where they come from), `providerLimits` (what its last
    /// `x-ratelimit-*` headers said; nil: it sends none), `isFailing` (every result since its last
    /// answer has been a failure), `spent`.
    public subscript<Value>(dynamicMember field: WritableKeyPath<EndpointControl, Value>) -> Value {
        get { control[keyPath: field] }
        set { control[keyPath: field] = newValue }
    }

    public var state: State {
        get { control.status }
        set { control.status = newValue }
    }

    /// The endpoint's in-flight cap in force (`max_in_flight`, automatic or set by key), nil when it has none.
    public var maxInFlight: Int? {
        get { control.limits.inFlightCap }
        set { control.limits.inFlightCap = newValue }
    }
}
