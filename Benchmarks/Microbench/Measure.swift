import CAllocationCounter
import Foundation

/// Times one operation: a warm-up, then `rounds` batches of `batch` calls; reports the median and
/// the fastest batch in nanoseconds per call (the median is what the tables quote; the minimum
/// shows how much of it is noise from the shared machine), and the heap allocations per call
/// (malloc-family calls, counted by `CAllocationCounter`, over all the measured batches).
struct Measure {
    let name: String
    let batch: Int
    let rounds: Int

    init(_ name: String, batch: Int = 1_000, rounds: Int = 31) {
        self.name = name
        self.batch = batch
        self.rounds = rounds
    }

    /// Runs `body` `batch × rounds` times (after one unrecorded batch) and prints one row.
    func run(_ body: () -> Void) {
        for _ in 0..<batch { body() }
        var samples: [Double] = []
        samples.reserveCapacity(rounds)
        let clock = ContinuousClock()
        let allocationsBefore = su_allocation_count()
        for _ in 0..<rounds {
            let elapsed = clock.measure {
                for _ in 0..<batch { body() }
            }
            let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
            samples.append(nanoseconds / Double(batch))
        }
        // The samples array was reserved up front: the only allocations counted are the body's.
        let allocations = Double(su_allocation_count() - allocationsBefore) / Double(batch * rounds)
        samples.sort()
        let median = samples[samples.count / 2]
        let fastest = samples[0]
        print(
            name.padding(toLength: 44, withPad: " ", startingAt: 0)
                + String(format: "%12.0f ns %12.0f ns %12.0f /s %10.1f", median, fastest, 1e9 / median, allocations))
    }

    /// The table's header line.
    static func header() {
        func right(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - text.count)) + text
        }
        print(
            "benchmark".padding(toLength: 44, withPad: " ", startingAt: 0) + right("median", 15) + right("fastest", 16)
                + right("median ops", 16) + right("allocs", 11))
    }
}

/// Keeps the optimiser from deleting work whose result is otherwise unused.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
