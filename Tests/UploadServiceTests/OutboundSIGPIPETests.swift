import Glibc
import Testing

@testable import UploadService

/// The outbound thread's SIGPIPE mask, tested directly: OpenSSL writes with write(2), which raises
/// SIGPIPE when the peer has gone. Inside `withSIGPIPEBlocked` that signal must stay pending
/// instead of being delivered, be consumed on the way out, and leave the thread's mask as it was.
/// No signal disposition is changed, so the other suites running in this process are unaffected,
/// and a regression that lets the signal through kills the test process (SIGPIPE's default
/// action), which fails the run.
@Suite("Outbound SIGPIPE masking")
struct OutboundSIGPIPETests {
    /// Writes to a socket whose peer is closed: -1 with EPIPE, and a SIGPIPE for this thread.
    static func writeToClosedPeer() -> (result: Int, error: Int32) {
        var pair: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else { return (0, errno) }
        close(pair[1])
        defer { close(pair[0]) }
        var byte: UInt8 = 1
        let result = write(pair[0], &byte, 1)
        return (result, errno)
    }

    static func pendingSIGPIPE() -> Bool {
        var pending = sigset_t()
        sigpending(&pending)
        return sigismember(&pending, SIGPIPE) == 1
    }

    static func blockedSIGPIPE() -> Bool {
        var current = sigset_t()
        pthread_sigmask(SIG_SETMASK, nil, &current)
        return sigismember(&current, SIGPIPE) == 1
    }

    @Test("a broken-pipe write inside fails with EPIPE; its SIGPIPE is consumed and the mask restored")
    func consumedAndRestored() throws {
        #expect(!Self.blockedSIGPIPE())
        let (result, error, pendingInside, blockedInside) = try OutboundExchange.withSIGPIPEBlocked {
            () throws(OutboundHTTPError) in
            let (result, error) = Self.writeToClosedPeer()
            return (result, error, Self.pendingSIGPIPE(), Self.blockedSIGPIPE())
        }
        #expect(result == -1)
        #expect(error == EPIPE)
        #expect(blockedInside, "SIGPIPE was not blocked inside")
        #expect(pendingInside, "the write raised no SIGPIPE: the check would prove nothing")
        #expect(!Self.pendingSIGPIPE(), "the SIGPIPE was left pending")
        #expect(!Self.blockedSIGPIPE(), "the thread's mask was not restored")
    }

    @Test("a caller that already blocks SIGPIPE keeps it blocked and keeps its pending signal")
    func callersMaskAndSignalKept() throws {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGPIPE)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer {
            // Consume what the test left pending, then give the thread its mask back.
            var immediately = timespec()
            while Self.pendingSIGPIPE() && sigtimedwait(&blocked, nil, &immediately) == SIGPIPE {}
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
        let (result, _) = try OutboundExchange.withSIGPIPEBlocked { () throws(OutboundHTTPError) in
            Self.writeToClosedPeer()
        }
        #expect(result == -1)
        #expect(Self.blockedSIGPIPE(), "the caller's block was lifted")
        #expect(Self.pendingSIGPIPE(), "the caller's pending SIGPIPE was consumed")
    }
}
