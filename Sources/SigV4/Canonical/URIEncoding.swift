/// SigV4's URI encoding: every byte of the UTF-8 form except the RFC 3986 unreserved characters
/// `A-Z a-z 0-9 - . _ ~` becomes `%XX` with uppercase hex; `/` is kept only where asked (S3 object
/// keys and paths). Space is always `%20`, never `+`.
package enum URIEncoding {
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static let unreserved: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(byte)] = true }
        for byte in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(byte)] = true }
        for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(byte)] = true }
        for byte in "-._~".utf8 { table[Int(byte)] = true }
        return table
    }()

    /// Appends the encoding of `bytes` to `output`, keeping `/` as is when `keepingSlash` is true.
    package static func append(_ bytes: some Sequence<UInt8>, keepingSlash: Bool, to output: inout [UInt8]) {
        let table = unreserved
        for byte in bytes {
            if table[Int(byte)] || (keepingSlash && byte == UInt8(ascii: "/")) {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0f)])
            }
        }
    }

    /// Appends the encoding of `string`'s UTF-8 bytes to `output` (the fast path: contiguous bytes).
    package static func append(_ string: String, keepingSlash: Bool, to output: inout [UInt8]) {
        var string = string
        string.withUTF8 { bytes in
            output.reserveCapacity(output.count + bytes.count * 3)
            let table = unreserved
            for byte in bytes {
                if table[Int(byte)] || (keepingSlash && byte == UInt8(ascii: "/")) {
                    output.append(byte)
                } else {
                    output.append(UInt8(ascii: "%"))
                    output.append(hexDigits[Int(byte >> 4)])
                    output.append(hexDigits[Int(byte & 0x0f)])
                }
            }
        }
    }

    /// The encoding of `string`'s UTF-8 bytes.
    package static func encode(_ string: String, keepingSlash: Bool = false) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(string.utf8.count * 3)
        append(string, keepingSlash: keepingSlash, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes `encoded` stands for, or nil when a `%` is not followed by two hex digits.
    /// `+` stays `+` (RFC 3986; SigV4 clients always write a space as `%20`).
    package static func decode(_ encoded: some StringProtocol) -> [UInt8]? {
        let utf8 = Array(encoded.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < utf8.count, let high = hexValue(utf8[index + 1]), let low = hexValue(utf8[index + 2])
                else { return nil }
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte)
                index += 1
            }
        }
        return output
    }

    private static func hexValue(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
