import Glibc
import Synchronization

/// Where finished log lines go. Each call receives one complete line without its newline.
package struct LogSink: Sendable {
    /// Writes one line; called concurrently from any thread.
    package let write: @Sendable (String) -> Void

    /// Wraps a function that receives each line.
    package init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// Standard output, one `write(2)` per line under a process-wide lock so that lines from
    /// different threads never interleave.
    package static let standardOutput = LogSink { line in
        StandardOutputWriter.shared.writeLine(line)
    }
}

/// Writes lines to file descriptor 1 so that lines from different threads never interleave.
///
/// A line of up to `PIPE_BUF` bytes goes out in one `write(2)` without a lock: the kernel keeps
/// such writes whole on a pipe, and serialises writes to a regular file under its file-position
/// lock. Longer lines take a process-wide lock, so they cannot interleave with one another.
private final class StandardOutputWriter: Sendable {
    static let shared = StandardOutputWriter()
    private static let atomicWriteLimit = 4096
    private let lock = Mutex(())

    func writeLine(_ line: String) {
        var text = line
        text.append("\n")
        text.withUTF8 { buffer in
            if buffer.count <= StandardOutputWriter.atomicWriteLimit {
                writeAll(buffer)
            } else {
                lock.withLock { _ in writeAll(buffer) }
            }
        }
    }

    private func writeAll(_ buffer: UnsafeBufferPointer<UInt8>) {
        var offset = 0
        while offset < buffer.count {
            let written = Glibc.write(1, buffer.baseAddress! + offset, buffer.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                // EPIPE or a closed stdout: a lost log line must not stop the server.
                return
            }
        }
    }
}
