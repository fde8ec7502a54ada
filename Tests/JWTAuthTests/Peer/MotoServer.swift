import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// moto's Cognito emulator as a child process bound to 127.0.0.1 on a port the kernel picks,
/// driven through Cognito's JSON protocol as a browser or SDK would (no AWS SDK here).
/// Installed by scripts/setup/20-jwt.sh; its absence is a test failure, not a skip.
final class MotoServer {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let process: Process
    let port: Int
    private let logPath: String

    var endpoint: String { "http://127.0.0.1:\(port)" }

    private init(process: Process, port: Int, logPath: String) {
        self.process = process
        self.port = port
        self.logPath = logPath
    }

    static func executable() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/moto_server"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw Failure(
            description: "moto_server is not installed (run scripts/setup/20-jwt.sh): the Cognito peer test cannot run")
    }

    /// Starts moto on 127.0.0.1, port 0, and reads the port it bound from its banner.
    static func start() async throws -> MotoServer {
        let logPath = FileManager.default.temporaryDirectory.appendingPathComponent("jwt-moto-\(UUID().uuidString).log")
            .path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable())
        process.arguments = ["-H", "127.0.0.1", "-p", "0"]
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Werkzeug prints " * Running on http://127.0.0.1:<port>" once it listens.
        for _ in 0..<300 {
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let range = text.range(of: "Running on http://127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits) { return MotoServer(process: process, port: port, logPath: logPath) }
            }
            guard process.isRunning else {
                throw Failure(description: "moto_server exited at start-up: \(text.suffix(1500))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.terminate()
        process.waitUntilExit()
        throw Failure(description: "moto_server did not report its port within 30 s")
    }

    /// Stops moto by its PID and waits for it.
    func stop() {
        if process.isRunning {
            // SIGKILL, not SIGTERM: Foundation's Process spawns the child with the spawning
            // thread's signal mask, in which the test runner's threads block SIGTERM, so moto would
            // never see it. moto keeps everything in memory; there is nothing to flush.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: logPath)
    }

    /// One Cognito Identity Provider JSON call (`X-Amz-Target: AWSCognitoIdentityProviderService.<action>`).
    func call(_ action: String, _ body: [String: Any]) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: endpoint + "/")!)
        request.httpMethod = "POST"
        request.setValue("application/x-amz-json-1.1", forHTTPHeaderField: "Content-Type")
        request.setValue("AWSCognitoIdentityProviderService.\(action)", forHTTPHeaderField: "X-Amz-Target")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            throw Failure(
                description: "\(action) answered \(status): \(String(decoding: data, as: UTF8.self).prefix(300))")
        }
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// GET of a URL on moto (the JWKS), as an HTTP client in the application would do it.
    static func get(_ url: String) async throws -> [UInt8] {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw Failure(description: "GET \(url) failed")
        }
        return Array(data)
    }
}
