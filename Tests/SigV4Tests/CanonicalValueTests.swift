import Testing

@testable import SigV4

@Suite("Canonical header values")
struct CanonicalValueTests {
    /// The AWS document's rule, written out: trim, and collapse runs of spaces, tabs and line breaks.
    static func reference(_ value: String) -> String {
        var output: [UInt8] = []
        var pendingSpace = false
        for byte in value.utf8 {
            if byte == 0x20 || byte == 0x09 || byte == 0x0a || byte == 0x0d {
                pendingSpace = !output.isEmpty
            } else {
                if pendingSpace { output.append(0x20) }
                pendingSpace = false
                output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    @Test("every string of up to six characters from a whitespace-heavy alphabet canonicalises as the rule says")
    func exhaustive() {
        let alphabet = ["a", " ", "\t", "\n", "\r", "\u{A0}", "\u{B}"]
        var texts = [""]
        var mismatches: [String] = []
        for _ in 0..<6 {
            texts = texts.flatMap { text in alphabet.map { text + $0 } }
            for text in texts where CanonicalHeaders.canonicalValue(text) != Self.reference(text) {
                mismatches.append(text)
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5).map(\.debugDescription))")
    }

    @Test("usual values are already canonical", arguments: ["image/jpeg", "1048576", "*", "a b c", ""])
    func usualValues(value: String) {
        #expect(CanonicalHeaders.isCanonical(value))
    }

    @Test("the reserved-name switch lists exactly the reserved header names")
    func reservedNames() {
        for name in S3Presigner.reservedHeaderNames {
            #expect(S3Presigner.isReservedHeaderName(name), "\(name)")
            // The same length, one byte off: the switch compares bytes, not only lengths.
            let last = String(name.dropLast()) + (name.last == "q" ? "z" : "q")
            let first = (name.first == "q" ? "z" : "q") + String(name.dropFirst())
            #expect(!S3Presigner.isReservedHeaderName(last), "\(last)")
            #expect(!S3Presigner.isReservedHeaderName(first), "\(first)")
        }
        for name in ["content-type", "content-length", "x-amz-checksum-sha256", "if-none-match", "hos", "hostx", ""] {
            #expect(!S3Presigner.isReservedHeaderName(name), "\(name)")
        }
        #expect(S3Presigner.reservedHeaderNames.count == 12)
    }
}
