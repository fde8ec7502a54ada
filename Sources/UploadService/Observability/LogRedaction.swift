/// Keeps secrets out of log lines: secret-like metadata keys, signed URL query values, userinfo
/// passwords, bearer credentials and anything shaped like a JWT.
package enum LogRedaction {
    /// What replaces a redacted value.
    package static let placeholder = "<redacted>"

    /// Fragments that make a metadata key or query parameter name secret-like (compared lowercased,
    /// with `_` read as `-`): `token` also covers `x-amz-security-token` and `id_token`, `signature`
    /// covers `x-amz-signature`, `credential` covers `x-amz-credential`.
    private static let secretFragments: [[UInt8]] = [
        "token", "password", "passwd", "secret", "authorization", "signature", "credential", "cookie",
        "api-key", "apikey", "private-key", "privatekey",
    ].map { Array($0.utf8) }

    private static let equalsSign: [UInt8] = [UInt8(ascii: "=")]
    /// `eyJ` folded to lower case, as the search compares.
    private static let jwtPrefix: [UInt8] = Array("eyj".utf8)
    /// What may precede a credential in free text; any case (`Bearer`, `bearer`, `BEARER`).
    private static let authorizationSchemes: [[UInt8]] = [Array("bearer ".utf8), Array("basic ".utf8)]
    private static let textTriggers: [[UInt8]] = [equalsSign, jwtPrefix] + authorizationSchemes

    /// Whether a metadata key or query parameter name names a secret (`Authorization`,
    /// `refresh_token`, `X-Amz-Signature`, `clientSecret`, …).
    package static func isSecretKey(_ key: String) -> Bool {
        guard ASCIISearch.containsAny(key, secretFragments, underscoreIsDash: true) else { return false }
        return !nonSecretNames.contains(String(key.lowercased().map { $0 == "_" ? "-" : $0 }))
    }

    /// Names that contain a secret-like fragment but name public settings: the accepted Cognito
    /// token kind (`COGNITO_TOKEN_USE=id`) and the verified-token cache's size are configuration,
    /// not credentials.
    private static let nonSecretNames: Set<String> = [
        "token-use", "cognito-token-use", "tokenuse", "token-cache-size",
    ]

    /// The URL with the values of secret-like query (and fragment) parameters replaced by
    /// `<redacted>` — `X-Amz-Signature`, `X-Amz-Security-Token`, `X-Amz-Credential`, `token`, … —
    /// and any userinfo password hidden. Everything else, including parameter order, is kept.
    ///
    ///     redactURL("https://b.s3.amazonaws.com/k?X-Amz-Signature=abc&x-id=PutObject")
    ///     // "https://b.s3.amazonaws.com/k?X-Amz-Signature=<redacted>&x-id=PutObject"
    package static func redactURL(_ url: String) -> String {
        var base = Substring(url)
        var fragment: Substring?
        if let hash = base.firstIndex(of: "#") {
            fragment = base[base.index(after: hash)...]
            base = base[..<hash]
        }
        var query: Substring?
        if let question = base.firstIndex(of: "?") {
            query = base[base.index(after: question)...]
            base = base[..<question]
        }
        var result = redactUserinfo(base)
        if let query {
            result += "?" + redactParameters(query)
        }
        if let fragment {
            result += "#" + (fragment.contains("=") ? redactParameters(fragment) : String(fragment))
        }
        return result
    }

    /// Free text (a log message, a metadata value) with secrets removed: each whitespace-separated
    /// word that looks like a URL or `name=value` list goes through ``redactURL(_:)``, the word after
    /// `Bearer`/`Basic` is hidden, and JWT-shaped runs (`eyJ….….…`) are replaced.
    package static func redactText(_ text: String) -> String {
        // Fast path: nothing here can carry a secret we recognise.
        // JWT prefixes are case-sensitive, but a false positive only costs the slow path.
        guard ASCIISearch.containsAny(text, textTriggers) else {
            return text
        }
        var output = ""
        output.reserveCapacity(text.utf8.count)
        var hideNextWord = false
        var word = ""
        func flush() {
            guard !word.isEmpty else { return }
            if hideNextWord {
                output += placeholder
                hideNextWord = false
            } else {
                let lowered = word.lowercased()
                if lowered == "bearer" || lowered == "basic" {
                    hideNextWord = true
                    output += word
                } else {
                    output += redactWord(word)
                }
            }
            word = ""
        }
        for character in text {
            if character.isWhitespace {
                flush()
                output.append(character)
            } else {
                word.append(character)
            }
        }
        flush()
        return output
    }

    private static func redactWord(_ word: String) -> String {
        var result = word
        if result.utf8.contains(UInt8(ascii: "=")) {
            result =
                result.utf8.contains(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") })
                ? redactURL(result) : redactParameters(Substring(result))
        }
        if ASCIISearch.contains(result, jwtPrefix) {
            result = redactJWTs(result)
        }
        return result
    }

    /// `a=1&X-Amz-Signature=abc` → `a=1&X-Amz-Signature=<redacted>`.
    private static func redactParameters(_ parameters: Substring) -> String {
        var pieces: [String] = []
        for pair in parameters.split(separator: "&", omittingEmptySubsequences: false) {
            guard let equals = pair.firstIndex(of: "=") else {
                pieces.append(String(pair))
                continue
            }
            let name = pair[..<equals]
            let decodedName = name.removingPercentEncodingLeniently()
            pieces.append(isSecretKey(decodedName) ? "\(name)=\(placeholder)" : String(pair))
        }
        return pieces.joined(separator: "&")
    }

    /// `https://user:pass@host/path` → `https://user:<redacted>@host/path`.
    private static func redactUserinfo(_ url: Substring) -> String {
        // The first "://" (the standard library's search, not _StringProcessing's: this runs at
        // start-up, and that module's code would stay resident for it).
        var colon = url.firstIndex(of: ":")
        while let found = colon, !url[found...].hasPrefix("://") {
            colon = url[url.index(after: found)...].firstIndex(of: ":")
        }
        guard let schemeColon = colon else { return String(url) }
        let authorityStart = url.index(schemeColon, offsetBy: 3)
        let authorityEnd = url[authorityStart...].firstIndex(of: "/") ?? url.endIndex
        let authority = url[authorityStart..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else {
            return String(url)
        }
        return String(url[..<authority.index(after: colon)]) + placeholder + String(url[at...])
    }

    /// Replaces every run of base64url characters starting with `eyJ` (a JSON object's first bytes
    /// in base64) that has at least two dots: a JWS has three segments, a JWE five.
    private static func redactJWTs(_ word: String) -> String {
        let characters = Array(word)
        var output = ""
        var index = 0
        while index < characters.count {
            if index + 3 <= characters.count, characters[index] == "e", characters[index + 1] == "y",
                characters[index + 2] == "J"
            {
                var end = index
                var dots = 0
                while end < characters.count, isTokenCharacter(characters[end]) {
                    if characters[end] == "." { dots += 1 }
                    end += 1
                }
                if dots >= 2 {
                    output += placeholder
                    index = end
                    continue
                }
            }
            output.append(characters[index])
            index += 1
        }
        return output
    }

    /// A character of a compact JWS: the one alphabet `BearerToken` accepts.
    private static func isTokenCharacter(_ character: Character) -> Bool {
        character.asciiValue.map(BearerToken.isTokenByte) ?? false
    }
}

extension Substring {
    /// Percent-decodes `%XX` escapes (and `+` as space); malformed escapes are kept as written.
    fileprivate func removingPercentEncodingLeniently() -> String {
        let bytes = Array(utf8)
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    private func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
