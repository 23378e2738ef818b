/// The run's figures over time, for the report: per-bucket counts and gauges, downsampled as the
/// run goes so its size stays bounded whatever the run's length.
///
/// Buckets start at 1 s; when there would be more than `maxPoints`, neighbouring buckets merge
/// (counts add up, gauges keep the later value) and the bucket doubles, so a 10-hour run keeps
/// about 1,100 points of 32 s. A plain value: the stats accumulator samples it from its cumulative
/// counters at each publication (every 100 ms), so nothing runs per request.
public struct Timeline: Sendable, Hashable {
    public static let maxPoints = 2048

    /// Seconds per point.
    public private(set) var bucketSeconds: Double = 1
    /// Per series, one value per bucket from the run's start: counts within the bucket.
    public private(set) var counts: [TimelineSeries: [Double]] = [:]
    /// Per series, one value per bucket: the value at the bucket's end (the last sample in it).
    public private(set) var gauges: [TimelineSeries: [Double]] = [:]
    /// Buckets so far.
    public private(set) var length = 0

    public init() {}

    /// Start times of the buckets, seconds since the run started.
    public var times: [Double] { (0..<length).map { Double($0) * bucketSeconds } }

    /// Adds `deltas` to the bucket holding `time` and sets `values` there. A gauge holds its value
    /// into later buckets until it is sampled again; series first seen now read zero before.
    public mutating func sample(at time: Double, deltas: [TimelineSeries: Double], values: [TimelineSeries: Double]) {
        // A time no clock gives (a corrupt file's) is not sampled.
        guard time.isFinite, time < 1e12 else { return }
        var index = Int(max(0, time) / bucketSeconds)
        while index >= Self.maxPoints {
            halve()
            index = Int(max(0, time) / bucketSeconds)
        }
        if index >= length { extend(to: index + 1) }
        for (name, delta) in deltas where delta != 0 {
            if counts[name] == nil { counts[name] = Array(repeating: 0, count: length) }
            counts[name]![index] += delta
        }
        for (name, value) in values {
            if gauges[name] == nil { gauges[name] = Array(repeating: 0, count: length) }
            gauges[name]![index] = value
        }
    }

    /// Grows every series to `count` buckets; gauges carry their last value forward.
    private mutating func extend(to count: Int) {
        let added = count - length
        for name in counts.keys { counts[name]! += Array(repeating: 0, count: added) }
        for name in gauges.keys { gauges[name]! += Array(repeating: gauges[name]!.last ?? 0, count: added) }
        length = count
    }

    /// Merges neighbouring buckets: twice the width, half the points.
    private mutating func halve() {
        bucketSeconds *= 2
        let newLength = (length + 1) / 2
        for name in counts.keys {
            let old = counts[name]!
            counts[name] = (0..<newLength).map { old[2 * $0] + (2 * $0 + 1 < old.count ? old[2 * $0 + 1] : 0) }
        }
        for name in gauges.keys {
            let old = gauges[name]!
            gauges[name] = (0..<newLength).map { 2 * $0 + 1 < old.count ? old[2 * $0 + 1] : old[2 * $0] }
        }
        length = newLength
    }
}
