import Foundation
import SigV4
import Testing

/// Runs `python3 Fixtures/<script>` with `input` on stdin and returns stdout (fails on a non-zero exit).
func runPython(script: String, input: Data) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", Fixtures.url(script).path]
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    // The script reads all of stdin before writing, so writing first cannot deadlock.
    stdin.fileHandleForWriting.write(input)
    try stdin.fileHandleForWriting.close()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    let errors = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw PythonFailure(status: process.terminationStatus, stderr: String(decoding: errors, as: UTF8.self))
    }
    return output
}

struct PythonFailure: Error, CustomStringConvertible {
    let status: Int32
    let stderr: String
    var description: String { "python3 exited with \(status): \(stderr)" }
}

@Suite("botocore cross-check: the same pre-signed URLs, byte for byte")
struct BotocoreCrossCheckTests {
    @Test("300 generated keys and header sets give botocore's exact URL")
    func sameURLsAsBotocore() throws {
        let cases = PresignCorpus.cases(count: 300)
        let input = try JSONSerialization.data(withJSONObject: ["cases": cases.map(\.botocoreJSON)])
        let output = try runPython(script: "botocore_presign.py", input: input)
        let urls = try #require(
            (try JSONSerialization.jsonObject(with: output) as? [String: Any])?["urls"] as? [String])
        try #require(urls.count == cases.count)
        var mismatches = 0
        for (index, testCase) in cases.enumerated() {
            let location = S3Location(
                bucket: testCase.bucket, region: testCase.region, endpoint: testCase.endpoint,
                forcePathStyle: testCase.forcePathStyle)
            let credentials = AWSCredentials(
                accessKeyID: testCase.accessKeyID, secretAccessKey: testCase.secret, sessionToken: testCase.token)
            let presigned = try S3Presigner(location: location).presign(
                method: testCase.method, key: testCase.key, headers: testCase.headers, query: testCase.query,
                expiresIn: testCase.expires, credentials: credentials,
                now: Date(timeIntervalSince1970: TimeInterval(testCase.timestamp)))
            if presigned.url != urls[index] {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record(
                        "case \(index) key \(testCase.key.debugDescription):\n ours \(presigned.url)\n boto \(urls[index])"
                    )
                }
            }
        }
        #expect(mismatches == 0)
    }
}
