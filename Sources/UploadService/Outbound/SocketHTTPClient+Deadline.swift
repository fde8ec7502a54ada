import Synchronization

extension SocketHTTPClient {
    /// `operation`'s result, or `OutboundHTTPError` once `limit` has passed, whichever comes
    /// first. The late operation is not cancelled, only abandoned (its result dropped): the
    /// blocking exchange cannot be interrupted inside getaddrinfo, and its own socket waits end at
    /// the same deadline anyway.
    static func withDeadline<T: Sendable>(
        _ limit: Duration, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let pending = PendingResult<T>()
        return try await withCheckedThrowingContinuation { continuation in
            pending.set(continuation)
            Task {
                do {
                    pending.finish(with: .success(try await operation()))
                } catch {
                    pending.finish(with: .failure(error))
                }
            }
            Task {
                try? await Task.sleep(for: limit)
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
