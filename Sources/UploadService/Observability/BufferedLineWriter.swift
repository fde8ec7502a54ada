import Dispatch
import FoundationEssentials
import Glibc
import HTTPServer
import Synchronization

/// Whole lines for one file descriptor, batched: access lines collect in a buffer that goes out
/// in one `write(2)` when it holds `flushThreshold` bytes, `flushInterval` after a line arrived in
/// an empty buffer (a background thread that sleeps while nothing is buffered), when any other
/// line is written (those go out at once, after the lines
/// before them), on ``flush()``, and at process exit for standard output. A `write(2)` per access
/// line was a tenth of the server's CPU per request.
///
/// Lines never tear: each is appended whole under a lock, batches are written in order under a
/// second lock, and each `write(2)` carries at most `PIPE_BUF` (4096) bytes cut at a line end, so a
/// pipe reader never sees half a line even if someone else writes to the same pipe. Lines are lost
/// only if the process dies without exiting (a crash, SIGKILL): at most one interval's worth.
package final class BufferedLineWriter: Sendable {
    /// Standard output, flushed every 20 ms and at exit; every log line of the process goes here.
    package static let standardOutput: BufferedLineWriter = {
        let writer = BufferedLineWriter(fileDescriptor: 1, flushInterval: .milliseconds(20))
        atexit { BufferedLineWriter.standardOutput.flush() }
        return writer
    }()

    /// The most bytes one `write(2)` is atomic on a pipe (POSIX `PIPE_BUF` on Linux).
    static let atomicWriteLimit = 4096

    private let fileDescriptor: Int32
    private let flushThreshold: Int
    /// Lines not yet written.
    private let pending: Mutex<[UInt8]>
    /// The batch being written; held for the whole write so that batches leave in order.
    private let writing: Mutex<[UInt8]>
    /// Signalled when a line lands in an empty buffer: the flusher sleeps on it while nothing is
    /// buffered, so an idle server does not wake 50 times a second to write nothing.
    private let flusherWake: DispatchSemaphore?

    /// A writer for `fileDescriptor` (not closed by the writer).
    ///
    /// - Parameters:
    ///   - flushThreshold: buffered bytes that trigger a write from the appending thread.
    ///   - flushInterval: how often a background thread writes what is buffered; nil: only on
    ///     ``flush()``, the threshold, and unbuffered lines.
    package init(fileDescriptor: Int32, flushThreshold: Int = 8192, flushInterval: Duration?) {
        self.fileDescriptor = fileDescriptor
        self.flushThreshold = flushThreshold
        var buffer: [UInt8] = []
        buffer.reserveCapacity(flushThreshold + 1024)
        pending = Mutex(buffer)
        var batch: [UInt8] = []
        batch.reserveCapacity(flushThreshold + 1024)
        writing = Mutex(batch)
        flusherWake = flushInterval.map { _ in DispatchSemaphore(value: 0) }
        if let flushInterval, let flusherWake {
            Self.startFlusher(for: self, every: flushInterval, wake: flusherWake)
        }
    }

    deinit {
        // Lets the flusher see that the writer is gone and end its thread.
        flusherWake?.signal()
    }

    /// Buffers one line that `format` appends to the buffer (without its newline). `format` runs
    /// under the buffer's lock: it must not log.
    package func appendLine(_ format: (inout [UInt8]) -> Void) {
        let (full, first) = pending.withLock { buffer in
            let wasEmpty = buffer.isEmpty
            format(&buffer)
            buffer.append(UInt8(ascii: "\n"))
            return (buffer.count >= flushThreshold, wasEmpty)
        }
        if full {
            flush()
        } else if first {
            flusherWake?.signal()
        }
    }

    /// Writes `line` now, after every line buffered before it.
    package func writeLine(_ line: String) {
        pending.withLock { buffer in
            buffer.append(contentsOf: line.utf8)
            buffer.append(UInt8(ascii: "\n"))
        }
        flush()
    }

    /// Writes everything buffered; returns once it is written (or the descriptor failed).
    package func flush() {
        writing.withLock { batch in
            pending.withLock { swap(&$0, &batch) }
            guard !batch.isEmpty else { return }
            batch.withUnsafeBufferPointer { writeInLineChunks($0) }
            batch.removeAll(keepingCapacity: true)
        }
    }

    /// The flusher: waits for a first line, lets `interval` pass so that more can join it, writes
    /// the batch, and waits again. A line is out at most two intervals after it was buffered: the
    /// buffer is never non-empty without a wake-up pending or a flush on its way.
    private static func startFlusher(
        for writer: BufferedLineWriter, every interval: Duration, wake: DispatchSemaphore
    ) {
        let (seconds, attoseconds) = interval.components
        let pause = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        DetachedThread.start(name: "log-flush") { [weak writer] in
            while true {
                wake.wait()
                var request = pause
                var remaining = timespec()
                while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
                guard let writer else { return }
                writer.flush()
            }
        }
    }

    /// Writes `bytes` in pieces of at most ``atomicWriteLimit`` that end at a newline.
    private func writeInLineChunks(_ bytes: UnsafeBufferPointer<UInt8>) {
        for chunk in BufferedLineWriter.lineChunks(bytes, limit: BufferedLineWriter.atomicWriteLimit) {
            guard writeAll(UnsafeBufferPointer(rebasing: bytes[chunk])) else { return }
        }
    }

    /// `bytes` cut into consecutive ranges of at most `limit` bytes, each ending at a newline (or
    /// at the end); a line longer than `limit` is one range of its own.
    static func lineChunks(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int) -> [Range<Int>] {
        var chunks: [Range<Int>] = []
        var start = 0
        while start < bytes.count {
            var end = min(start + limit, bytes.count)
            if end < bytes.count {
                var lineEnd = end
                while lineEnd > start && bytes[lineEnd - 1] != UInt8(ascii: "\n") { lineEnd -= 1 }
                if lineEnd > start {
                    end = lineEnd
                } else {
                    end = (bytes[end...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count - 1) + 1
                }
            }
            chunks.append(start..<end)
            start = end
        }
        return chunks
    }

    /// false when the descriptor cannot take more (EPIPE, closed): a lost log line must not stop
    /// the server.
    private func writeAll(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let written = Glibc.write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                // A non-blocking descriptor (someone else's pipe): wait until it drains, briefly.
                var poller = pollfd(fd: fileDescriptor, events: Int16(POLLOUT), revents: 0)
                if poll(&poller, 1, 1000) <= 0 { return false }
            } else {
                return false
            }
        }
        return true
    }
}
