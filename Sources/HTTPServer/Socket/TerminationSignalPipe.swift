import CSystem
import Glibc

/// SIGTERM and SIGINT, caught by a real `sigaction` handler from the moment ``install()``
/// returns. Dispatch signal sources install their handler asynchronously, so a signal sent in the
/// first milliseconds after start-up could be lost (or, with `SIG_IGN` set first, discarded); here
/// the handler writes each signal's number to a pipe that ``next()`` reads, so none is lost.
package struct TerminationSignalPipe: Sendable {
    private let readFD: Int32

    /// Installs the handler. Nil if the pipe or the handler cannot be set up.
    package static func install() -> TerminationSignalPipe? {
        let fd = su_catch_termination_signals()
        return fd >= 0 ? TerminationSignalPipe(readFD: fd) : nil
    }

    /// Blocks the calling thread until the next SIGTERM or SIGINT; returns its name.
    package func next() -> String? {
        switch su_wait_termination_signal(readFD) {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        default: nil
        }
    }
}
