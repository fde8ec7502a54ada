/// Where finished log lines go. Each call receives one complete line without its newline.
package struct LogSink: Sendable {
    /// Writes one line; called concurrently from any thread.
    package let write: @Sendable (String) -> Void

    /// Wraps a function that receives each line.
    package init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// Standard output through ``BufferedLineWriter/standardOutput``: each line is written at once,
    /// after any access lines buffered before it, and lines from different threads never interleave.
    package static let standardOutput = LogSink { line in
        BufferedLineWriter.standardOutput.writeLine(line)
    }
}
