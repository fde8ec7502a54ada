/// Slows password guessing for one user name: after `freeFailures` consecutive wrong passwords,
/// each further attempt must wait a delay that doubles with every failure (1 s, 2 s, 4 s, … up to
/// `maximumDelay`) after the last failure. A success resets the name. Unknown names are throttled
/// exactly like known ones, so the lockout does not reveal which names exist. A pure value: the
/// provider keeps it behind a mutex and passes the time in.
struct LoginThrottle: Sendable {
    private struct Record: Sendable {
        var failures: Int
        var lastFailure: Double
    }

    let freeFailures: Int
    let maximumDelay: Double
    /// Records idle this long are forgotten.
    let forgetAfter: Double
    /// When more names than this are tracked, idle records are pruned.
    let pruneThreshold: Int
    private var records: [String: Record] = [:]

    init(freeFailures: Int = 5, maximumDelay: Double = 900, forgetAfter: Double = 3600, pruneThreshold: Int = 10_000) {
        self.freeFailures = freeFailures
        self.maximumDelay = maximumDelay
        self.forgetAfter = forgetAfter
        self.pruneThreshold = pruneThreshold
    }

    /// Seconds `username` must still wait before a password is checked, or nil when it may try now.
    func retryDelay(for username: String, now: Double) -> Double? {
        guard let record = records[username], record.failures >= freeFailures else { return nil }
        let exponent = min(record.failures - freeFailures, 30)
        let delay = min(Double(1 << exponent), maximumDelay)
        let remaining = record.lastFailure + delay - now
        return remaining > 0 ? remaining : nil
    }

    mutating func recordFailure(for username: String, now: Double) {
        if records.count >= pruneThreshold {
            records = records.filter { now - $0.value.lastFailure < forgetAfter }
            // A spray of made-up names must not grow the table without bound: forget names not yet
            // locked, then the longest idle ones.
            if records.count >= pruneThreshold {
                records = records.filter { $0.value.failures >= freeFailures }
            }
            if records.count >= pruneThreshold {
                let keep = records.sorted { $0.value.lastFailure > $1.value.lastFailure }.prefix(pruneThreshold / 2)
                records = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
            }
        }
        var record = records[username] ?? Record(failures: 0, lastFailure: now)
        if now - record.lastFailure >= forgetAfter { record.failures = 0 }
        record.failures += 1
        record.lastFailure = now
        records[username] = record
    }

    mutating func recordSuccess(for username: String) {
        records[username] = nil
    }

    /// Names currently tracked.
    var trackedCount: Int { records.count }
}
