import FoundationEssentials

/// The body of `POST /upload`, validated: what the caller wants to upload.
package struct UploadRequest: Sendable, Equatable {
    /// The user's original file name (validated, not yet sanitised).
    package var filename: String
    /// The exact `Content-Type` the PUT must carry.
    package var contentType: String
    /// The exact byte count the PUT must carry.
    package var size: Int64
    /// Base64 of the SHA-256 of the file, when the caller wants S3 to check it.
    package var checksumSHA256: String?

    /// A request from its parts (already valid).
    package init(filename: String, contentType: String, size: Int64, checksumSHA256: String? = nil) {
        self.filename = filename
        self.contentType = contentType
        self.size = size
        self.checksumSHA256 = checksumSHA256
    }

    static let knownFields = ["filename", "contentType", "size", "checksumSHA256"]

    /// Decodes and validates a JSON body; the first problem found is thrown with the field it
    /// concerns (unknown or repeated fields first, then filename, contentType, size, checksum).
    package static func decode(body: [UInt8], policy: UploadPolicy) throws(UploadError) -> UploadRequest {
        let document: RequestJSON
        do {
            document = try RequestJSONParser.parse(body)
        } catch {
            throw .invalidJSON(body.isEmpty ? "the body is empty" : error.description)
        }
        guard case .object(let members) = document else { throw .bodyNotObject }
        // Four named slots rather than a dictionary: no hashing on every upload.
        var slots: [RequestJSON?] = [nil, nil, nil, nil]
        for member in members {
            guard let slot = knownFields.firstIndex(of: member.key) else { throw .unknownField(member.key) }
            guard slots[slot] == nil else { throw .duplicateField(member.key) }
            slots[slot] = member.value
        }
        let filename = try validateFilename(slots[0])
        let contentType = try validateContentType(slots[1], policy: policy)
        let size = try validateSize(slots[2], policy: policy)
        let checksum = try validateChecksum(slots[3])
        return UploadRequest(filename: filename, contentType: contentType, size: size, checksumSHA256: checksum)
    }

    static func validateFilename(_ value: RequestJSON?) throws(UploadError) -> String {
        guard let value, value != .null else { throw .missingField("filename") }
        guard case .string(let name) = value else {
            throw .invalidField("filename", "The field \"filename\" must be a string, not \(value.typeName).")
        }
        guard !name.isEmpty else { throw .invalidField("filename", "The field \"filename\" must not be empty.") }
        guard name.utf8.count <= UploadPolicy.maximumFilenameBytes else {
            throw .invalidField(
                "filename",
                "The field \"filename\" is \(name.utf8.count) bytes long; the limit is "
                    + "\(UploadPolicy.maximumFilenameBytes) bytes of UTF-8.")
        }
        guard !name.unicodeScalars.contains(where: isControl) else {
            throw .invalidField("filename", "The field \"filename\" must not contain control characters.")
        }
        return name
    }

    /// General category Cc: exactly U+0000-U+001F and U+007F-U+009F (fixed by Unicode's stability
    /// policy), compared directly instead of looking the category up per scalar.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    static func validateContentType(_ value: RequestJSON?, policy: UploadPolicy) throws(UploadError) -> String {
        guard let value, value != .null else { throw .missingField("contentType") }
        guard case .string(let type) = value else {
            throw .invalidField("contentType", "The field \"contentType\" must be a string, not \(value.typeName).")
        }
        guard !type.isEmpty else {
            throw .invalidField("contentType", "The field \"contentType\" must not be empty.")
        }
        guard isPlainMediaType(type) || isValidMediaType(type) else {
            throw .invalidField(
                "contentType", "The field \"contentType\" must be a media type such as \"image/png\".")
        }
        guard policy.allows(contentType: type) else { throw .contentTypeNotAllowed(type) }
        return type
    }

    /// The general rule: a `type/subtype` media type (parameters allowed) that can go verbatim into
    /// a signed header (visible ASCII and inner spaces only), neither part a wildcard.
    static func isValidMediaType(_ type: String) -> Bool {
        let headerSafe = type.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || (0x21...0x7E).contains($0) }
        let essence = type.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
        guard headerSafe, type.utf8.count <= UploadPolicy.maximumContentTypeBytes,
            type.trimmingASCIIWhitespace() == type,
            let essence, let parsed = MediaTypePattern.essence(of: essence), parsed.type != "*", parsed.subtype != "*"
        else { return false }
        return true
    }

    /// `type/subtype` made only of RFC 9110 token characters, neither part empty or `*`, at most
    /// ``UploadPolicy/maximumContentTypeBytes``: what the general checks accept without
    /// parameters or whitespace (`image/jpeg`), found in one pass without splitting, trimming and
    /// lowering copies.
    static func isPlainMediaType(_ type: String) -> Bool {
        var slash = -1
        var count = 0
        for byte in type.utf8 {
            if byte == UInt8(ascii: "/") {
                guard slash < 0 else { return false }
                slash = count
            } else if !isTokenCharacter(byte) {
                return false
            }
            count += 1
        }
        guard slash > 0, slash < count - 1, count <= UploadPolicy.maximumContentTypeBytes else { return false }
        let typeIsStar = slash == 1 && type.utf8.first == UInt8(ascii: "*")
        let subtypeIsStar = count - slash - 1 == 1 && type.utf8.last == UInt8(ascii: "*")
        return !typeIsStar && !subtypeIsStar
    }

    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return tokenPunctuation.contains(byte)
        }
    }

    private static let tokenPunctuation = Set("!#$%&'*+-.^_`|~".utf8)

    static func validateSize(_ value: RequestJSON?, policy: UploadPolicy) throws(UploadError) -> Int64 {
        guard let value, value != .null else { throw .missingField("size") }
        let notInteger = UploadError.invalidField(
            "size", "The field \"size\" must be a non-negative integer number of bytes.")
        guard case .number(let lexeme) = value else { throw notInteger }
        // Digits only: no sign, fraction or exponent (1.0 and 1e3 are refused, not rounded).
        guard lexeme.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw notInteger
        }
        guard let size = Int64(lexeme), size <= policy.maxUploadBytes else {
            throw .fileTooLarge(size: lexeme, limit: policy.maxUploadBytes)
        }
        return size
    }

    static func validateChecksum(_ value: RequestJSON?) throws(UploadError) -> String? {
        guard let value, value != .null else { return nil }
        let invalid = UploadError.invalidField(
            "checksumSHA256",
            "The field \"checksumSHA256\" must be the standard base64 encoding of a 32-byte SHA-256 digest.")
        guard case .string(let text) = value, text.utf8.count == 44,
            let decoded = Data(base64Encoded: text), decoded.count == 32,
            // Only the canonical encoding: S3 compares the header text it receives.
            decoded.base64EncodedString() == text
        else { throw invalid }
        return text
    }
}
