import Foundation

/// Files under Tests/SigV4Tests/Fixtures, found next to this source file.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func url(_ relativePath: String) -> URL { directory.appendingPathComponent(relativePath) }

    static func data(_ relativePath: String) throws -> Data { try Data(contentsOf: url(relativePath)) }

    static func text(_ relativePath: String) throws -> String {
        String(decoding: try data(relativePath), as: UTF8.self)
    }

    static func json(_ relativePath: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: data(relativePath)) as! [String: Any]
    }
}
