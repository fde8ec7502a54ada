import Foundation
import Glibc
import Synchronization
import Testing

@testable import UploadService

/// A fresh temporary file opened for writing, removed when the test ends.
final class TemporaryOutputFile {
    let path: String
    let descriptor: Int32

    init() throws {
        path = NSTemporaryDirectory() + "/access-\(UUID().uuidString).log"
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        try #require(descriptor >= 0)
    }

    func contents() throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    deinit {
        close(descriptor)
        unlink(path)
    }
}

@Suite("Buffered line writer")
struct ObservabilityBufferedWriterTests {
    @Test("lines appended from many threads at once arrive whole, each once, in each thread's order")
    func concurrentLinesStayWhole() async throws {
        let file = try TemporaryOutputFile()
        let writer = BufferedLineWriter(fileDescriptor: file.descriptor, flushThreshold: 2048, flushInterval: nil)
        let threads = 8
        let perThread = 400
        await withTaskGroup(of: Void.self) { group in
            for thread in 0..<threads {
                group.addTask {
                    for index in 0..<perThread {
                        // Lengths vary, and every 97th line is longer than one atomic write.
                        let filler = String(repeating: "x", count: index % 97 == 0 ? 5000 : index % 50)
                        if index % 10 == 0 {
                            writer.writeLine("t\(thread) n\(index) \(filler) end")
                        } else {
                            writer.appendLine { $0.append(contentsOf: "t\(thread) n\(index) \(filler) end".utf8) }
                        }
                    }
                }
            }
        }
        writer.flush()
        let lines = try file.contents().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "", "the output ends with a newline")
        let written = lines.dropLast()
        #expect(written.count == threads * perThread)
        var next = [Int](repeating: 0, count: threads)
        for line in written {
            let words = line.split(separator: " ", omittingEmptySubsequences: false)
            try #require(words.count == 4 && words[3] == "end", "torn line: \(line.prefix(80))")
            let thread = try #require(Int(words[0].dropFirst()))
            let index = try #require(Int(words[1].dropFirst()))
            #expect(index == next[thread], "thread \(thread) out of order")
            next[thread] = index + 1
            #expect(words[2].allSatisfy { $0 == "x" })
        }
        #expect(next == [Int](repeating: perThread, count: threads))
    }

    @Test("a line written at once follows the buffered lines before it, and takes them out with it")
    func unbufferedLineKeepsOrder() throws {
        let file = try TemporaryOutputFile()
        let writer = BufferedLineWriter(fileDescriptor: file.descriptor, flushInterval: nil)
        writer.appendLine { $0.append(contentsOf: "access 1".utf8) }
        writer.appendLine { $0.append(contentsOf: "access 2".utf8) }
        #expect(try file.contents() == "")
        writer.writeLine("warning")
        #expect(try file.contents() == "access 1\naccess 2\nwarning\n")
    }

    @Test("the buffer is written when it reaches the threshold")
    func thresholdFlush() throws {
        let file = try TemporaryOutputFile()
        let writer = BufferedLineWriter(fileDescriptor: file.descriptor, flushThreshold: 100, flushInterval: nil)
        for index in 0..<9 {
            writer.appendLine { $0.append(contentsOf: "line \(index) \(String(repeating: "-", count: 3))".utf8) }
        }
        #expect(try file.contents() == "")
        writer.appendLine { $0.append(contentsOf: "line 9 ---".utf8) }
        #expect(try file.contents() == (0..<10).map { "line \($0) ---\n" }.joined())
    }

    @Test("the background flusher writes a buffered line without any flush call")
    func backgroundFlush() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        defer {
            close(ends[0])
            close(ends[1])
        }
        let writer = BufferedLineWriter(fileDescriptor: ends[1], flushInterval: .milliseconds(5))
        writer.appendLine { $0.append(contentsOf: "late line".utf8) }
        // Blocks until the flusher writes; the poll bound only keeps a broken flusher from hanging.
        var reader = pollfd(fd: ends[0], events: Int16(POLLIN), revents: 0)
        try #require(poll(&reader, 1, 30_000) == 1)
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(ends[0], &buffer, buffer.count)
        #expect(String(decoding: buffer.prefix(max(0, count)), as: UTF8.self) == "late line\n")
    }

    @Test(
        "the flusher sleeps while nothing is buffered, and still writes a line that comes after idle time or a full flush"
    )
    func flusherWakesForTheFirstLine() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        defer {
            close(ends[0])
            close(ends[1])
        }
        let writer = BufferedLineWriter(fileDescriptor: ends[1], flushThreshold: 64, flushInterval: .milliseconds(5))
        func next() throws -> String {
            // Blocks until something is written; the bound only keeps a broken flusher from hanging.
            var reader = pollfd(fd: ends[0], events: Int16(POLLIN), revents: 0)
            try #require(poll(&reader, 1, 30_000) == 1)
            var buffer = [UInt8](repeating: 0, count: 256)
            let count = read(ends[0], &buffer, buffer.count)
            return String(decoding: buffer.prefix(max(0, count)), as: UTF8.self)
        }
        writer.appendLine { $0.append(contentsOf: "one".utf8) }
        #expect(try next() == "one\n")
        usleep(50_000)  // the flusher is waiting for a line, not polling
        writer.appendLine { $0.append(contentsOf: "two".utf8) }
        #expect(try next() == "two\n")
        let long = String(repeating: "x", count: 70)
        writer.appendLine { $0.append(contentsOf: long.utf8) }  // over the threshold: written at once
        #expect(try next() == long + "\n")
        writer.appendLine { $0.append(contentsOf: "three".utf8) }
        #expect(try next() == "three\n")
    }

    @Test(
        "writes go out in pieces of at most PIPE_BUF bytes that end at a line end; a longer line goes alone",
        arguments: [
            [10, 20, 30], [4095], [4096], [4097], [2000, 2000, 2000, 9000, 5, 4096, 1],
            Array(repeating: 250, count: 100),
        ])
    func chunksEndAtLines(lineLengths: [Int]) {
        var bytes: [UInt8] = []
        var lineEnds: Set<Int> = []
        for length in lineLengths {
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "a"), count: length - 1))
            bytes.append(UInt8(ascii: "\n"))
            lineEnds.insert(bytes.count)
        }
        let chunks = bytes.withUnsafeBufferPointer { BufferedLineWriter.lineChunks($0, limit: 4096) }
        #expect(chunks.first?.lowerBound == 0)
        #expect(chunks.last?.upperBound == bytes.count)
        for (previous, next) in zip(chunks, chunks.dropFirst()) {
            #expect(previous.upperBound == next.lowerBound)
        }
        for chunk in chunks {
            #expect(lineEnds.contains(chunk.upperBound))
            let lines = bytes[chunk].filter { $0 == UInt8(ascii: "\n") }.count
            #expect(chunk.count <= 4096 || lines == 1, "an oversized piece holds one line")
        }
    }
}
