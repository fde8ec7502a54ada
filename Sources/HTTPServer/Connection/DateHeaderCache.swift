/// The `Date: ...\r\n` header line, rebuilt at most once a second (RFC 9110 §6.6.1 needs no more).
/// One per event loop, so no lock is needed.
struct DateHeaderCache {
    private(set) var line: [UInt8] = []
    private var second: Int64 = -1

    /// Rebuilds the line when the wall-clock second has changed since the last call.
    mutating func refresh(now seconds: Int64) {
        guard seconds != second else { return }
        second = seconds
        line.removeAll(keepingCapacity: true)
        line.append(contentsOf: "Date: ".utf8)
        line.append(contentsOf: System.httpDate(seconds))
        line.append(contentsOf: "\r\n".utf8)
    }
}
