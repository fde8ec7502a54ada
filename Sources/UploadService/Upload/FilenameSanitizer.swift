import FoundationEssentials

/// Turns a user's file name into one safe path segment of an S3 key: Unicode kept (NFC), path
/// separators and characters that S3 or shells treat specially replaced, control, format and
/// bidirectional-override characters removed, leading dots and whitespace stripped, length bounded.
/// The result never contains `/`, never starts with `.`, and is never empty (`file` instead).
package enum FilenameSanitizer {
    /// Longest sanitised name, in UTF-8 bytes (the key adds the prefix and a unique stamp).
    package static let maximumBytes = 200
    /// What a name that sanitises to nothing becomes.
    package static let fallback = "file"

    /// Characters replaced by `_`: path separators, percent (so no `%2e%2e` can decode into a
    /// dot segment later) and those AWS lists as needing special handling in keys.
    static let replaced: Set<Unicode.Scalar> = [
        "/", "\\", "%", "#", "?", "*", ":", "\"", "<", ">", "|", "^", "`", "{", "}", "[", "]", "~",
    ]

    /// The sanitised form of `name`.
    package static func sanitize(_ name: String) -> String {
        // ASCII is already in NFC, and every ASCII character is one scalar and one grapheme: the
        // whole rule runs on bytes. (Normalization and the Character walks cost a few
        // percent of a request.)
        if name.utf8.allSatisfy({ $0 < 0x80 }) { return sanitizeASCII(name) }
        let normalized = String(decoding: name._nfcCodeUnits, as: UTF8.self)
        var scalars = String.UnicodeScalarView()
        if normalized.utf8.allSatisfy({ $0 < 0x80 }) {
            scalars = asciiScalars(normalized)
        } else {
            scalars = generalScalars(normalized)
        }
        // Leading dots, whitespace, joiners and combining marks (hidden files, `..`, and marks that
        // would fuse with the `-` before the name in the key); trailing dots and spaces, which
        // Windows strips. Done on scalars: a Character can hide a dot under a combining mark.
        trimLeading(&scalars)
        var result = collapseRuns(of: " ", in: String(scalars))
        result = truncate(result, toUTF8Bytes: maximumBytes)
        var trimmed = result.unicodeScalars
        trimTrailing(&trimmed)
        result = String(trimmed)
        return result.isEmpty ? fallback : result
    }

    /// The per-scalar rule for any text: what stays, what becomes `_` or a plain space.
    static func generalScalars(_ normalized: String) -> String.UnicodeScalarView {
        var scalars = String.UnicodeScalarView()
        for scalar in normalized.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .format where scalar == "\u{200C}" || scalar == "\u{200D}":
                scalars.append(scalar)  // joiners build emoji sequences and Indic/Persian words
            case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator:
                continue  // invisible or reordering characters (NUL, U+202E, U+200B) disappear
            case .spaceSeparator:
                scalars.append(" ")  // every kind of space becomes a plain space
            default:
                scalars.append(replaced.contains(scalar) ? "_" : scalar)
            }
        }
        return scalars
    }

    /// ``generalScalars(_:)`` for ASCII text, on bytes: in ASCII the only control characters
    /// are U+0000-U+001F and U+007F, the only space separator is the space, and nothing is a
    /// format, surrogate, private-use or unassigned scalar. The general category lookup per
    /// scalar was a few percent of a request.
    static func asciiScalars(_ ascii: String) -> String.UnicodeScalarView {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ascii.utf8.count)
        for byte in ascii.utf8 where byte >= 0x20 && byte != 0x7F {
            bytes.append(replacedASCII[Int(byte)] ? UInt8(ascii: "_") : byte)
        }
        return String(decoding: bytes, as: UTF8.self).unicodeScalars
    }

    /// ``sanitize(_:)`` for an ASCII name, on bytes, in the same steps: drop controls and replace
    /// the listed characters, trim leading dots and spaces, collapse space runs, truncate keeping a
    /// short extension, trim trailing dots and spaces. Tests compare it with the general path.
    static func sanitizeASCII(_ name: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(name.utf8.count)
        var leading = true
        for byte in name.utf8 where byte >= 0x20 && byte != 0x7F {
            if leading && (byte == UInt8(ascii: ".") || byte == UInt8(ascii: " ")) { continue }
            leading = false
            if byte == UInt8(ascii: " ") && bytes.last == UInt8(ascii: " ") { continue }
            bytes.append(replacedASCII[Int(byte)] ? UInt8(ascii: "_") : byte)
        }
        if bytes.count > maximumBytes {
            var stemEnd = bytes.count
            if let dot = bytes.lastIndex(of: UInt8(ascii: ".")), dot != 0, bytes.count - dot <= 16 { stemEnd = dot }
            let suffixLength = bytes.count - stemEnd
            let keptStem = max(0, min(stemEnd, maximumBytes - suffixLength))
            bytes.removeSubrange(keptStem..<stemEnd)
            if bytes.count > maximumBytes { bytes.removeLast(bytes.count - maximumBytes) }
        }
        while let last = bytes.last, last == UInt8(ascii: ".") || last == UInt8(ascii: " ") { bytes.removeLast() }
        return bytes.isEmpty ? fallback : String(decoding: bytes, as: UTF8.self)
    }

    private static let replacedASCII: [Bool] = (0..<128).map { replaced.contains(Unicode.Scalar(UInt8($0))) }

    static func trimLeading(_ scalars: inout String.UnicodeScalarView) {
        while let first = scalars.first,
            first == "." || first == " " || first == "\u{200C}" || first == "\u{200D}" || isMark(first)
        {
            scalars.removeFirst()
        }
    }

    static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.value >= 0x80 else { return false }  // no ASCII scalar is a mark
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    static func trimTrailing(_ scalars: inout String.UnicodeScalarView) {
        while let last = scalars.last, last == "." || last == " " || last == "\u{200C}" || last == "\u{200D}" {
            scalars.removeLast()
        }
    }

    static func collapseRuns(of character: Character, in text: String) -> String {
        var output = ""
        var previous: Character?
        for next in text where !(next == character && previous == character) {
            output.append(next)
            previous = next
        }
        return output
    }

    /// Truncates whole characters (never inside a grapheme), keeping a short extension.
    static func truncate(_ text: String, toUTF8Bytes limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var stem = text
        var suffix = ""
        if let dot = text.lastIndex(of: "."), dot != text.startIndex, text.distance(from: dot, to: text.endIndex) <= 16
        {
            suffix = String(text[dot...])
            stem = String(text[..<dot])
        }
        while stem.utf8.count + suffix.utf8.count > limit, !stem.isEmpty { stem.removeLast() }
        var result = stem + suffix
        while result.utf8.count > limit { result.removeLast() }
        return result
    }
}
