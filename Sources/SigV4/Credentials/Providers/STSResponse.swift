import FoundationEssentials

/// The XML STS answers `AssumeRoleWithWebIdentity` with, read by scanning for the few elements
/// needed (no XML library: the answer is small and flat).
/// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
enum STSResponse {
    /// The credentials in a 200 answer.
    static func credentials(_ xml: String, provider: String) throws(CredentialsError) -> AWSCredentials {
        guard let block = element("Credentials", in: xml),
            let accessKeyID = element("AccessKeyId", in: block).map(unescape), !accessKeyID.isEmpty,
            let secret = element("SecretAccessKey", in: block).map(unescape), !secret.isEmpty,
            let token = element("SessionToken", in: block).map(unescape), !token.isEmpty
        else { throw .failed(provider, "the STS answer has no complete Credentials element") }
        guard let expirationText = element("Expiration", in: block),
            let expiration = ISO8601Timestamp.parse(unescape(expirationText))
        else { throw .failed(provider, "the STS answer's Expiration is missing or not a timestamp") }
        return AWSCredentials(
            accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token, expiration: expiration)
    }

    /// `code: message` from an STS error answer, if it has one.
    static func error(_ xml: String) -> String? {
        guard let code = element("Code", in: xml).map(unescape) else { return nil }
        let message = element("Message", in: xml).map(unescape) ?? ""
        return "\(code.prefix(64)): \(message.prefix(300))"
    }

    /// The text between `<name>` (or `<name attributes>`) and `</name>`.
    static func element(_ name: String, in xml: String) -> String? {
        var searchStart = xml.startIndex
        while let open = xml[searchStart...].firstRange(of: "<" + name) {
            guard let close = xml[open.upperBound...].firstIndex(of: ">") else { return nil }
            let between = xml[open.upperBound..<close]
            if between.isEmpty || between.first == " " {
                let contentStart = xml.index(after: close)
                guard let end = xml[contentStart...].firstRange(of: "</" + name + ">") else { return nil }
                return String(xml[contentStart..<end.lowerBound]).trimmingWhitespace()
            }
            searchStart = open.upperBound
        }
        return nil
    }

    /// Replaces XML's predefined entities and character references.
    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var output = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            output += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: amp)..<semicolon]
            switch entity {
            case "amp": output += "&"
            case "lt": output += "<"
            case "gt": output += ">"
            case "quot": output += "\""
            case "apos": output += "'"
            default:
                var scalar: Unicode.Scalar? = nil
                if entity.hasPrefix("#x") {
                    scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if entity.hasPrefix("#") {
                    scalar = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init)
                }
                output += scalar.map { String(Character($0)) } ?? "&\(entity);"
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return output + rest
    }
}
