import Foundation
import Testing

@testable import UploadService

@Suite("Object keys and file name sanitiser")
struct ObjectKeyTests {
    static let subject = "0f6c1b8e-4a2d-4d43-9f0e-2a7b5c9d1e33"
    static let builder = ObjectKeyBuilder(randomHex: { "0123456789abcdef" })
    static let now = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18T...

    static let attacks: [String] = [
        "../../etc/passwd", "a/../../b", "..\\..\\windows\\system32", "%2e%2e/%2e%2e/etc", "%2e%2e%2fx",
        "a\u{0}b.txt", "\u{202E}gnp.exe", "invoice\u{202E}fdp.exe", String(repeating: "x", count: 1000),
        String(repeating: "é", count: 600) + ".pdf", "....", ".", "..", "   ", " . . ", "😀🎉.png", "/", "//a//b//",
        "./.hidden", "a\u{200B}b", "e\u{0301}.txt", "C:\\Users\\x.doc", "name\r\n.txt", "x/./y", "a//b", "~root",
        String(repeating: "👨‍👩‍👧‍👦", count: 40), "\u{FEFF}bom.txt", "e" + String(repeating: "\u{0301}", count: 300),
    ]

    @Test("a hostile file name never escapes the caller's prefix or makes a dot segment", arguments: attacks)
    func containment(name: String) {
        let key = Self.builder.key(subject: Self.subject, filename: name, now: Self.now)
        #expect(key.hasPrefix("uploads/\(Self.subject)/"))
        let segments = key.split(separator: "/", omittingEmptySubsequences: false)
        #expect(segments.count == 6)  // uploads, sub, yyyy, mm, dd, name
        #expect(!segments.contains { $0 == ".." || $0 == "." || $0.isEmpty })
        #expect(!key.contains("//"))
        #expect(!key.contains("\\") && !key.contains("%"))
        #expect(
            !key.unicodeScalars.contains {
                $0.properties.generalCategory == .control
                    || ($0.properties.generalCategory == .format && $0 != "\u{200D}")
            })
        #expect(key.utf8.count <= 1024)
        let sanitized = FilenameSanitizer.sanitize(name)
        #expect(!sanitized.isEmpty && !sanitized.hasPrefix(".") && !sanitized.hasPrefix(" "))
        #expect(sanitized.utf8.count <= FilenameSanitizer.maximumBytes)
    }

    @Test("keys have the documented shape: date folders, time stamp, random id, sanitised name")
    func shape() {
        let key = Self.builder.key(subject: Self.subject, filename: "report 2026.pdf", now: Self.now)
        #expect(key == "uploads/\(Self.subject)/2026/11/18/\(Self.stamp)-0123456789abcdef-report 2026.pdf")
    }

    static var stamp: String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.hour, .minute, .second], from: now)
        return String(format: "%02d%02d%02d", parts.hour!, parts.minute!, parts.second!)
    }

    @Test(
        "sanitising keeps Unicode, normalises to NFC and handles each attack as documented",
        arguments: [
            ("../../etc/passwd", "_.._etc_passwd"), ("a/../../b", "a_.._.._b"), ("%2e%2e%2fx", "_2e_2e_2fx"),
            ("a\u{0}b.txt", "ab.txt"), ("\u{202E}gnp.exe", "gnp.exe"), ("....", "file"), ("   ", "file"),
            ("..", "file"),
            ("😀🎉.png", "😀🎉.png"), ("e\u{0301}.txt", "\u{E9}.txt"), ("Straße 日本.pdf", "Straße 日本.pdf"),
            (".bashrc", "bashrc"), ("\u{301}abc", "abc"), (".\u{301}.x", "x"), ("\u{200D}a\u{200D}", "a"),
            ("a   b\u{00A0}c", "a b c"), ("name. ", "name"), ("/", "_"),
        ])
    func sanitizes(name: String, expected: String) {
        #expect(FilenameSanitizer.sanitize(name) == expected)
    }

    @Test("long names are cut on character boundaries, keeping the extension")
    func truncation() {
        let long = FilenameSanitizer.sanitize(String(repeating: "é", count: 600) + ".pdf")
        #expect(long.hasSuffix(".pdf"))
        #expect(long.utf8.count <= 200)
        #expect(long.dropLast(4).allSatisfy { $0 == "é" })
        let emoji = FilenameSanitizer.sanitize(String(repeating: "👨‍👩‍👧‍👦", count: 40))
        #expect(emoji.allSatisfy { $0 == "👨‍👩‍👧‍👦" } && !emoji.isEmpty)
    }

    @Test(
        "subjects that could change the path are unusable",
        arguments: [
            ("0f6c1b8e-4a2d-4d43-9f0e-2a7b5c9d1e33", true), ("abc_DEF.1", true), ("", false), (".", false),
            ("..", false),
            ("a/b", false), ("a b", false), ("é", false), ("%2e", false), (String(repeating: "a", count: 129), false),
        ])
    func subjects(subject: String, usable: Bool) {
        #expect(ObjectKeyBuilder.isUsableSubject(subject) == usable)
    }

    @Test("two uploads of the same name at the same second get different keys")
    func unique() {
        let builder = ObjectKeyBuilder(randomHex: { UUID().uuidString.prefix(16).lowercased() })
        let first = builder.key(subject: Self.subject, filename: "a.txt", now: Self.now)
        let second = builder.key(subject: Self.subject, filename: "a.txt", now: Self.now)
        #expect(first != second)
    }
}

@Suite("Object key date folders")
struct ObjectKeyDateTests {
    @Test(
        "date folders and time stamp are the UTC calendar date and time of the upload",
        arguments: [0, 951_782_400, 1_795_000_000.75, 1_798_761_599, 4_107_542_399])
    func dateFolders(seconds: Double) {
        let now = Date(timeIntervalSince1970: seconds)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: now)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? -1) }
        let builder = ObjectKeyBuilder(randomHex: { "0123456789abcdef" })
        let key = builder.key(subject: "sub-1", filename: "a.txt", now: now)
        let expected =
            "uploads/sub-1/\(c.year ?? -1)/\(two(c.month))/\(two(c.day))/"
            + "\(two(c.hour))\(two(c.minute))\(two(c.second))-0123456789abcdef-a.txt"
        #expect(key == expected)
    }
}
