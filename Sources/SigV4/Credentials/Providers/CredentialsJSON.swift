import Foundation

/// The JSON body the ECS/EKS container endpoint and EC2 instance metadata answer with:
/// `{"AccessKeyId", "SecretAccessKey", "Token", "Expiration", …}` (IMDS adds `"Code": "Success"`).
enum CredentialsJSON {
    static func parse(_ body: [UInt8], provider: String) throws(CredentialsError) -> AWSCredentials {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw .failed(provider, "the credentials response is not a JSON object")
        }
        if let code = object["Code"] as? String, code != "Success" {
            throw .failed(provider, "the credentials response has Code \"\(code.prefix(64))\"")
        }
        guard let accessKeyID = object["AccessKeyId"] as? String, !accessKeyID.isEmpty,
            let secret = object["SecretAccessKey"] as? String, !secret.isEmpty
        else { throw .failed(provider, "the credentials response lacks AccessKeyId or SecretAccessKey") }
        let token = (object["Token"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        var expiration: Date? = nil
        if let text = object["Expiration"] as? String {
            guard let parsed = ISO8601Timestamp.parse(text) else {
                throw .failed(provider, "the credentials response's Expiration is not an RFC 3339 timestamp")
            }
            expiration = parsed
        }
        return AWSCredentials(
            accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token, expiration: expiration)
    }
}
