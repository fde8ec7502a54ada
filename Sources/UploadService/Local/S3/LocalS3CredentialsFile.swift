import CryptoPrimitives
import FoundationEssentials
import JWTAuth

/// The access key pair the local receiver accepts, generated once into
/// `.secure-upload/local-credentials.json` (0600) so that URLs signed before a restart still verify
/// after it. The access key id looks like AWS's (20 uppercase characters, prefixed `LOCALKEY`).
struct LocalS3CredentialsFile: Codable, Sendable, Equatable {
    var accessKeyID: String
    var secretAccessKey: String

    enum CodingKeys: String, CodingKey {
        case accessKeyID = "accessKeyId"
        case secretAccessKey
    }

    /// Reads the file, creating it first when it does not exist.
    static func loadOrCreate(layout: LocalDataLayout) throws(LocalModeError) -> LocalS3CredentialsFile {
        try layout.prepareStateDirectories()
        let path = layout.credentialsFile
        if let existing = try SecureFiles.read(path) { return try decode(existing, path: path) }
        let fresh = generate()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes: [UInt8]
        do { bytes = Array(try encoder.encode(fresh)) } catch {
            throw LocalModeError("encoding local credentials failed: \(error)")
        }
        if try SecureFiles.createExclusively(path, contents: bytes) { return fresh }
        guard let existing = try SecureFiles.read(path) else {
            throw LocalModeError("\(path) vanished while it was being created")
        }
        return try decode(existing, path: path)
    }

    /// A new random pair: `LOCALKEY` + 12 uppercase letters or digits, and a 40-character secret.
    static func generate() -> LocalS3CredentialsFile {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
        var suffix: [UInt8] = []
        while suffix.count < 12 {
            // Rejection sampling keeps every character equally likely (252 = 7 × 36).
            for byte in SecureRandom.bytes(count: 16) where byte < 252 && suffix.count < 12 {
                suffix.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return LocalS3CredentialsFile(
            accessKeyID: "LOCALKEY" + String(decoding: suffix, as: UTF8.self),
            secretAccessKey: Base64URL.encode(SecureRandom.bytes(count: 30)))
    }

    private static func decode(_ bytes: [UInt8], path: String) throws(LocalModeError) -> LocalS3CredentialsFile {
        guard let file = try? JSONDecoder().decode(LocalS3CredentialsFile.self, from: Data(bytes)),
            !file.accessKeyID.isEmpty, !file.secretAccessKey.isEmpty
        else { throw LocalModeError("\(path) is not a local credentials file; remove it to generate a new one") }
        return file
    }
}
