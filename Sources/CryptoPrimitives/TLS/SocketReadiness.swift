import Glibc

/// Waits for a non-blocking socket with poll(2), never past a deadline. Shared with the outbound
/// client's plain sockets (UploadService), which wait the same way before TLS and without it.
package enum SocketReadiness {
    /// Whether `fd` became ready for `events` (or reported an error or hang-up, which the next call
    /// on it will name) before `deadline`.
    package static func wait(_ fd: Int32, for events: Int16, until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let remaining = deadline - .now
            guard remaining > .zero else { return false }
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let ready = unsafe poll(&entry, 1, milliseconds(remaining))
            if ready > 0 { return true }
            // EINTR: a signal arrived; the deadline, not the wakeup, decides.
            if ready < 0 && errno != EINTR { return true }
        }
    }

    /// `duration` in whole milliseconds, rounded up (so a wait never ends just before its deadline
    /// and spins), within poll's range.
    static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let total = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: max(0, total))
    }
}
