/// An RFC 8259 parser that refuses what lenient parsers let through: duplicate member names
/// (JSONSerialization silently keeps the last, so `{"iss":"good","iss":"evil"}` would mean
/// different things to different readers), invalid UTF-8, lone surrogates, control characters in
/// strings, leading zeros, non-finite numbers, trailing commas, trailing garbage, and nesting
/// deeper than `maximumDepth`.
struct StrictJSONParser {
    static let maximumDepth = 32

    // Raw memory, borrowed for the duration of `parseObject`: this parser is on every cold
    // verification, and array indexing with bounds checks costs more than the parse itself.
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Parses a document whose top-level value must be an object.
    static func parseObject(_ bytes: [UInt8]) throws(JSONParseError) -> [String: JSONValue] {
        let result = bytes.withUnsafeBufferPointer { buffer -> Result<[String: JSONValue], JSONParseError> in
            var parser = StrictJSONParser(buffer)
            do throws(JSONParseError) {
                return .success(try parser.parseDocument())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private mutating func parseDocument() throws(JSONParseError) -> [String: JSONValue] {
        skipWhitespace()
        guard peek() == UInt8(ascii: "{") else { throw JSONParseError(message: "is not a JSON object") }
        let object = try parseObjectBody(depth: 1)
        skipWhitespace()
        guard index == bytes.count else { throw JSONParseError(message: "has bytes after the JSON object") }
        return object
    }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func expect(_ character: UInt8) throws(JSONParseError) {
        guard peek() == character else { throw JSONParseError(message: "is not valid JSON") }
        index += 1
    }

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard let first = peek() else { throw JSONParseError(message: "ends early") }
        switch first {
        case UInt8(ascii: "{"):
            guard depth < Self.maximumDepth else { throw JSONParseError(message: "nests too deeply") }
            return .object(try parseObjectBody(depth: depth + 1))
        case UInt8(ascii: "["):
            guard depth < Self.maximumDepth else { throw JSONParseError(message: "nests too deeply") }
            return .array(try parseArrayBody(depth: depth + 1))
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try parseLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try parseLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try parseLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        default:
            throw JSONParseError(message: "is not valid JSON")
        }
    }

    private mutating func parseObjectBody(depth: Int) throws(JSONParseError) -> [String: JSONValue] {
        try expect(UInt8(ascii: "{"))
        var object: [String: JSONValue] = [:]
        // A Cognito ID token carries 13-20 claims: room for them without a rehash.
        object.reserveCapacity(24)
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return object
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else {
                throw JSONParseError(message: "has an object key that is not a string")
            }
            let key = try parseString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            let value = try parseValue(depth: depth)
            guard object.updateValue(value, forKey: key) == nil else {
                throw JSONParseError(message: "has a duplicate member name")
            }
            skipWhitespace()
            guard let next = peek() else { throw JSONParseError(message: "ends early") }
            index += 1
            if next == UInt8(ascii: "}") { return object }
            guard next == UInt8(ascii: ",") else { throw JSONParseError(message: "is not valid JSON") }
        }
    }

    private mutating func parseArrayBody(depth: Int) throws(JSONParseError) -> [JSONValue] {
        try expect(UInt8(ascii: "["))
        var array: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return array
        }
        while true {
            array.append(try parseValue(depth: depth))
            skipWhitespace()
            guard let next = peek() else { throw JSONParseError(message: "ends early") }
            index += 1
            if next == UInt8(ascii: "]") { return array }
            guard next == UInt8(ascii: ",") else { throw JSONParseError(message: "is not valid JSON") }
        }
    }

    private mutating func parseLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw JSONParseError(message: "is not valid JSON") }
        let matches = literal.withUTF8Buffer { expected in
            expected.indices.allSatisfy { bytes[index + $0] == expected[$0] }
        }
        guard matches else { throw JSONParseError(message: "is not valid JSON") }
        index += count
    }

    private mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), isDigit(first) else { throw JSONParseError(message: "has a malformed number") }
        if first == UInt8(ascii: "0") {
            index += 1
            if let next = peek(), isDigit(next) { throw JSONParseError(message: "has a number with a leading zero") }
        } else {
            skipDigits()
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard let next = peek(), isDigit(next) else { throw JSONParseError(message: "has a malformed number") }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard let next = peek(), isDigit(next) else { throw JSONParseError(message: "has a malformed number") }
            skipDigits()
        }
        // Integers of up to 15 digits (every NumericDate) are exact in a Double; skip strtod.
        let negative = bytes[start] == UInt8(ascii: "-")
        var digit = negative ? start + 1 : start
        if index - digit <= 15 {
            var integer: Int64 = 0
            while digit < index, isDigit(bytes[digit]) {
                integer = integer * 10 + Int64(bytes[digit] - UInt8(ascii: "0"))
                digit += 1
            }
            if digit == index { return Double(negative ? -integer : integer) }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw JSONParseError(message: "has a number out of range")
        }
        return value
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func skipDigits() {
        while let byte = peek(), isDigit(byte) { index += 1 }
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        try expect(UInt8(ascii: "\""))
        let start = index
        var isASCII = true
        // Fast path: no escapes, so the string is a slice of the input.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                // ASCII is valid UTF-8 as it stands; only other bytes need the (generic, slower)
                // validating initializer. Every claim of a Cognito token is ASCII.
                if isASCII { return String(decoding: slice, as: UTF8.self) }
                guard let string = String(validating: slice, as: UTF8.self) else {
                    throw JSONParseError(message: "has a string that is not UTF-8")
                }
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw JSONParseError(message: "has a control character in a string") }
            isASCII = isASCII && byte < 0x80
            index += 1
        }
        var buffer = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let string = String(validating: buffer, as: UTF8.self) else {
                    throw JSONParseError(message: "has a string that is not UTF-8")
                }
                return string
            case UInt8(ascii: "\\"):
                try parseEscape(into: &buffer)
            case 0..<0x20:
                throw JSONParseError(message: "has a control character in a string")
            default:
                buffer.append(byte)
            }
        }
        throw JSONParseError(message: "has an unterminated string")
    }

    private mutating func parseEscape(into buffer: inout [UInt8]) throws(JSONParseError) {
        guard let escape = peek() else { throw JSONParseError(message: "has an unterminated string") }
        index += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(escape)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try parseHexQuad())
            if (0xD800...0xDBFF).contains(scalar) {
                // RFC 8259 §7: a code point above U+FFFF is a surrogate pair; a lone half is not text.
                guard peek() == UInt8(ascii: "\\") else { throw JSONParseError(message: "has a lone surrogate") }
                index += 1
                guard peek() == UInt8(ascii: "u") else { throw JSONParseError(message: "has a lone surrogate") }
                index += 1
                let low = UInt32(try parseHexQuad())
                guard (0xDC00...0xDFFF).contains(low) else { throw JSONParseError(message: "has a lone surrogate") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw JSONParseError(message: "has a lone surrogate")
            }
            guard let unicodeScalar = Unicode.Scalar(scalar) else {
                throw JSONParseError(message: "has an invalid escape")
            }
            buffer.append(contentsOf: String(Character(unicodeScalar)).utf8)
        default:
            throw JSONParseError(message: "has an invalid escape")
        }
    }

    private mutating func parseHexQuad() throws(JSONParseError) -> UInt16 {
        guard bytes.count - index >= 4 else { throw JSONParseError(message: "has an invalid escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw JSONParseError(message: "has an invalid escape")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }
}
