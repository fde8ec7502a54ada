import Dispatch
import Synchronization

extension SocketHTTPClient {
    /// Runs the blocking `operation` on a thread of its own and returns its result, or throws
    /// `OutboundHTTPError` once `limit` has passed, whichever comes first.
    ///
    /// getaddrinfo cannot be bounded, so the caller is resumed at the deadline whatever the
    /// thread is doing; the late operation is abandoned (its result dropped), and its own socket
    /// waits end at the same deadline, so it lingers only while a resolver hangs. Neither the
    /// operation nor the timer waits for Swift's cooperative pool (two threads here, which other
    /// work can keep busy): each has a serial queue of its own, an overcommitting one that gets a
    /// thread even when the global pool's threads are all busy or blocked.
    static func withDeadline<T: Sendable>(
        _ limit: Duration, _ operation: @escaping @Sendable () throws -> T
    ) async throws -> T {
        let pending = PendingResult<T>()
        let (seconds, attoseconds) = limit.components
        let nanoseconds = max(0, seconds) * 1_000_000_000 + attoseconds / 1_000_000_000
        return try await withCheckedThrowingContinuation { continuation in
            pending.set(continuation)
            DispatchQueue(label: "secure-upload.outbound-exchange").async {
                pending.finish(with: Result { try operation() })
            }
            DispatchQueue(label: "secure-upload.outbound-deadline").asyncAfter(
                deadline: .now() + .nanoseconds(Int(clamping: nanoseconds))
            ) {
                pending.finish(with: .failure(timeoutError(limit)))
            }
        }
    }
}

/// The continuation of `withDeadline`, resumed exactly once by whichever side finishes first.
private final class PendingResult<T: Sendable>: Sendable {
    private let slot = Mutex<CheckedContinuation<T, any Error>?>(nil)

    func set(_ continuation: CheckedContinuation<T, any Error>) {
        slot.withLock { $0 = continuation }
    }

    /// Resumes the continuation with `result` unless the other side already did; whether it did.
    @discardableResult
    func finish(with result: Result<T, any Error>) -> Bool {
        guard let continuation = slot.withLock({ $0.take() }) else { return false }
        continuation.resume(with: result)
        return true
    }
}
