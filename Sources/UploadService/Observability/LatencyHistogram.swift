/// Request durations counted into fixed buckets, the shape of a Prometheus histogram.
///
/// Counts are kept per bucket (not cumulative) so that an observation touches one slot; rendering
/// accumulates them into the cumulative `le` series the exposition format requires.
struct LatencyHistogram: Sendable {
    /// Upper bounds in seconds, from half a millisecond to five seconds; `+Inf` is implicit.
    static let upperBounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    /// One slot per finite bound plus the overflow slot for `+Inf`.
    private(set) var bucketCounts = [UInt64](repeating: 0, count: LatencyHistogram.upperBounds.count + 1)
    private(set) var sum: Double = 0
    private(set) var count: UInt64 = 0

    init() {}

    mutating func observe(seconds: Double) {
        // A negative or NaN duration can only come from a clock bug; count it in the first bucket.
        let value = seconds.isNaN || seconds < 0 ? 0 : seconds
        var index = 0
        let bounds = LatencyHistogram.upperBounds
        while index < bounds.count && value > bounds[index] {
            index += 1
        }
        bucketCounts[index] &+= 1
        sum += value
        count &+= 1
    }

    /// The cumulative count for each bound, ending with the `+Inf` bucket (equal to ``count``).
    var cumulativeCounts: [UInt64] {
        var running: UInt64 = 0
        return bucketCounts.map { slot in
            running &+= slot
            return running
        }
    }
}
