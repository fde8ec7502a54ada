/// Writes one flat JSON object with keys in insertion order (RFC 8259 string escaping), cheaper
/// than a general encoder and with a stable field order for people reading raw lines.
///
/// Works on UTF-8 bytes: a Swift `String` is valid UTF-8, so only `"`, `\` and control bytes need
/// escapes and every other byte is copied as is.
struct JSONLineWriter {
    private var output: [UInt8] = [UInt8(ascii: "{")]
    private var isEmpty = true

    init() {
        output.reserveCapacity(512)
    }

    mutating func add(_ key: String, _ value: String) {
        addKey(key)
        JSONLineWriter.appendString(value, to: &output)
    }

    mutating func add(_ key: String, _ values: [String]) {
        addKey(key)
        output.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            JSONLineWriter.appendString(value, to: &output)
        }
        output.append(UInt8(ascii: "]"))
    }

    mutating func finish() -> String {
        output.append(UInt8(ascii: "}"))
        return String(decoding: output, as: UTF8.self)
    }

    private mutating func addKey(_ key: String) {
        if !isEmpty { output.append(UInt8(ascii: ",")) }
        isEmpty = false
        JSONLineWriter.appendString(key, to: &output)
        output.append(UInt8(ascii: ":"))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func appendString(_ value: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { appendEscaped($0, to: &output) }
        output.append(UInt8(ascii: "\""))
    }

    /// The escaped form of `bytes` (valid UTF-8) without surrounding quotes. Escaping is per byte,
    /// so the pieces of a string can be appended one after another.
    static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        // Runs that need no escape are copied at once: a byte-by-byte append showed up in the
        // request profile (one access line per request).
        var runStart = 0
        for index in bytes.indices {
            let byte = bytes[index]
            guard byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
            else { continue }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            runStart = index + 1
            appendEscape(byte, to: &output)
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
    }

    private static func appendEscape(_ byte: UInt8, to output: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case UInt8(ascii: "\n"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case UInt8(ascii: "\r"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case UInt8(ascii: "\t"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        default:
            output.append(contentsOf: Array("\\u00".utf8))
            output.append(hexDigits[Int(byte >> 4)])
            output.append(hexDigits[Int(byte & 0xF)])
        }
    }
}
