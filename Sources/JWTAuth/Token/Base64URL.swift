/// Base64url without padding (RFC 4648 §5, as RFC 7515 §2 uses it), decoded strictly: only the
/// URL-safe alphabet, no `=` padding, no whitespace, no length of 1 modulo 4, and the unused low
/// bits of the last character must be zero, so every byte string has exactly one encoding.
package enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// 0...63 for alphabet characters, 0xFF for everything else.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = UInt8(index) }
        return table
    }()

    /// `bytes` as unpadded base64url.
    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((input.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= input.count {
            let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            output.append(alphabet[Int(chunk >> 18 & 63)])
            output.append(alphabet[Int(chunk >> 12 & 63)])
            output.append(alphabet[Int(chunk >> 6 & 63)])
            output.append(alphabet[Int(chunk & 63)])
            index += 3
        }
        switch input.count - index {
        case 1:
            let chunk = UInt32(input[index]) << 16
            output.append(alphabet[Int(chunk >> 18 & 63)])
            output.append(alphabet[Int(chunk >> 12 & 63)])
        case 2:
            let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
            output.append(alphabet[Int(chunk >> 18 & 63)])
            output.append(alphabet[Int(chunk >> 12 & 63)])
            output.append(alphabet[Int(chunk >> 6 & 63)])
        default:
            break
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes `string` encodes, or nil if it is not canonical unpadded base64url.
    package static func decode(_ string: String) -> [UInt8]? {
        decode(string.utf8)
    }

    /// The bytes that `characters` (ASCII) encode, or nil if they are not canonical unpadded
    /// base64url. An empty input decodes to no bytes.
    static func decode<Characters: Collection<UInt8>>(_ characters: Characters) -> [UInt8]? {
        if let decoded = characters.withContiguousStorageIfAvailable({ decode(contiguous: $0) }) { return decoded }
        return Array(characters).withUnsafeBufferPointer { decode(contiguous: $0) }
    }

    /// ``decode(_:)`` over contiguous characters: four characters become three bytes written in
    /// place, one validity test per group (every table value of a valid character is below 64,
    /// 0xFF has the high bit). A token's payload and signature are ~1 KB of it per request.
    private static func decode(contiguous characters: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let count = characters.count
        let tail = count % 4
        guard tail != 1 else { return nil }
        let outputCount = count / 4 * 3 + (tail == 0 ? 0 : tail - 1)
        var valid = true
        let output = values.withUnsafeBufferPointer { table in
            [UInt8](unsafeUninitializedCapacity: outputCount) { output, initialized in
                var input = 0
                var written = 0
                while input + 4 <= count {
                    let a = UInt32(table[Int(characters[input])])
                    let b = UInt32(table[Int(characters[input + 1])])
                    let c = UInt32(table[Int(characters[input + 2])])
                    let d = UInt32(table[Int(characters[input + 3])])
                    guard (a | b | c | d) & 0x80 == 0 else {
                        valid = false
                        break
                    }
                    let group = a << 18 | b << 12 | c << 6 | d
                    output[written] = UInt8(truncatingIfNeeded: group >> 16)
                    output[written + 1] = UInt8(truncatingIfNeeded: group >> 8)
                    output[written + 2] = UInt8(truncatingIfNeeded: group)
                    input += 4
                    written += 3
                }
                if valid && tail > 0 {
                    var group: UInt32 = 0
                    for offset in 0..<tail {
                        let value = table[Int(characters[input + offset])]
                        if value == 0xFF { valid = false }
                        group = group << 6 | UInt32(value & 0x3F)
                    }
                    if tail == 2 {
                        // 12 bits carry one byte; the low 4 must be zero (RFC 4648 §3.5, canonical encoding).
                        if group & 0x0F != 0 { valid = false }
                        output[written] = UInt8(truncatingIfNeeded: group >> 4)
                    } else {
                        if group & 0x03 != 0 { valid = false }
                        output[written] = UInt8(truncatingIfNeeded: group >> 10)
                        output[written + 1] = UInt8(truncatingIfNeeded: group >> 2)
                    }
                }
                // UInt8 needs no deinitialisation: on failure the whole buffer is simply dropped.
                initialized = valid ? outputCount : 0
            }
        }
        return valid ? output : nil
    }
}
