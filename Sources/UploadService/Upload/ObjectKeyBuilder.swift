package import FoundationEssentials
import SigV4

/// Builds the S3 key of a new upload: `uploads/<sub>/<yyyy>/<mm>/<dd>/<HHmmss>-<random>-<name>`.
/// The prefix comes only from the verified token's `sub`; the date folders and the time stamp make
/// keys sort by upload time; 64 random bits make two uploads in the same second never collide.
package struct ObjectKeyBuilder: Sendable {
    /// The fixed first segment of every key.
    package static let rootPrefix = "uploads/"

    private let randomHex: @Sendable () -> String

    /// - Parameter randomHex: 16 lowercase hex characters per call (64 random bits).
    package init(randomHex: @escaping @Sendable () -> String) {
        self.randomHex = randomHex
    }

    /// The prefix every key of `subject` starts with.
    package static func prefix(forSubject subject: String) -> String {
        rootPrefix + subject + "/"
    }

    /// Whether a token subject can safely be a key segment: Cognito subjects are UUIDs; anything
    /// else that could change the path (`/`, dot segments, odd bytes) is refused rather than escaped.
    package static func isUsableSubject(_ subject: String) -> Bool {
        guard !subject.isEmpty, subject.utf8.count <= 128, subject != ".", subject != ".." else { return false }
        // Over the bytes in place when the string has them (a native string always does): the
        // UTF-8 view's iterator cost about 40 instructions a byte, twice per request.
        return subject.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(isSubjectByte) }
            ?? subject.utf8.allSatisfy(isSubjectByte)
    }

    private static func isSubjectByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    /// The key for `filename` uploaded by `subject` at `now` (UTC). The subject must be usable.
    package func key(subject: String, filename: String, now: Date) -> String {
        precondition(ObjectKeyBuilder.isUsableSubject(subject), "subject must be checked with isUsableSubject")
        // By hand from the epoch seconds, as bytes: a Foundation Calendar per request cost
        // microseconds, and string interpolation a good part of one.
        let parts = AmzDate(now).utcFields
        let name = FilenameSanitizer.sanitize(filename)
        let random = randomHex()
        var key: [UInt8] = []
        key.reserveCapacity(Self.rootPrefix.utf8.count + subject.utf8.count + 30 + random.utf8.count + name.utf8.count)
        key.append(contentsOf: Self.rootPrefix.utf8)
        key.append(contentsOf: subject.utf8)
        key.append(UInt8(ascii: "/"))
        AmzDate.appendDigits(parts.year, count: 4, to: &key)
        key.append(UInt8(ascii: "/"))
        AmzDate.appendDigits(parts.month, count: 2, to: &key)
        key.append(UInt8(ascii: "/"))
        AmzDate.appendDigits(parts.day, count: 2, to: &key)
        key.append(UInt8(ascii: "/"))
        AmzDate.appendDigits(parts.hour, count: 2, to: &key)
        AmzDate.appendDigits(parts.minute, count: 2, to: &key)
        AmzDate.appendDigits(parts.second, count: 2, to: &key)
        key.append(UInt8(ascii: "-"))
        key.append(contentsOf: random.utf8)
        key.append(UInt8(ascii: "-"))
        key.append(contentsOf: name.utf8)
        return String(decoding: key, as: UTF8.self)
    }
}
