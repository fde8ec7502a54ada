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

/// Serialises writes to file descriptor 1.
private final class StandardOutputWriter: Sendable {
    static let shared = StandardOutputWriter()
    private let lock = Mutex(())

    func writeLine(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        lock.withLock { _ in
            bytes.withUnsafeBytes { buffer in
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
    }
}
