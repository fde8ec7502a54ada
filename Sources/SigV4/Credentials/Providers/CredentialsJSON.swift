import FoundationEssentials

/// The JSON body the ECS/EKS container endpoint and EC2 instance metadata answer with:
/// `{"AccessKeyId", "SecretAccessKey", "Token", "Expiration", …}` (IMDS adds `"Code": "Success"`).
enum CredentialsJSON {
    static func parse(_ body: [UInt8], provider: String) throws(CredentialsError) -> AWSCredentials {
        guard let object = try? JSONDecoder().decode(Fields.self, from: Data(body)) else {
            throw .failed(provider, "the credentials response is not a JSON object")
        }
        if let code = object.code, code != "Success" {
            throw .failed(provider, "the credentials response has Code \"\(code.prefix(64))\"")
        }
        guard let accessKeyID = object.accessKeyID, !accessKeyID.isEmpty,
            let secret = object.secretAccessKey, !secret.isEmpty
        else { throw .failed(provider, "the credentials response lacks AccessKeyId or SecretAccessKey") }
        let token = object.token.flatMap { $0.isEmpty ? nil : $0 }
        var expiration: Date? = nil
        if let text = object.expiration {
            guard let parsed = ISO8601Timestamp.parse(text) else {
                throw .failed(provider, "the credentials response's Expiration is not an RFC 3339 timestamp")
            }
            expiration = parsed
        }
        return AWSCredentials(
            accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token, expiration: expiration)
    }

    /// The members read, each nil when absent or not a string (as a missing one is treated).
    private struct Fields: Decodable {
        var code, accessKeyID, secretAccessKey, token, expiration: String?

        private enum CodingKeys: String, CodingKey {
            case code = "Code", accessKeyID = "AccessKeyId", secretAccessKey = "SecretAccessKey"
            case token = "Token", expiration = "Expiration"
        }

        init(from decoder: any Decoder) throws {
            let members = try decoder.container(keyedBy: CodingKeys.self)
            func text(_ key: CodingKeys) -> String? { try? members.decodeIfPresent(String.self, forKey: key) }
            code = text(.code)
            accessKeyID = text(.accessKeyID)
            secretAccessKey = text(.secretAccessKey)
            token = text(.token)
            expiration = text(.expiration)
        }
    }
}
