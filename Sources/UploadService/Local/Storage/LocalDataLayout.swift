/// Where local mode keeps things under `LOCAL_DATA_DIR`: objects at `<root>/<bucket>/<key>`,
/// everything internal under `<root>/.secure-upload/` (same file system, so link and rename are
/// atomic between the temporary folder and the bucket folder).
struct LocalDataLayout: Sendable {
    /// The data folder as configured (relative paths are relative to the working directory).
    let root: String

    init(root: String) {
        var root = root
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        self.root = root
    }

    /// Internal state; mode 0700.
    var stateDirectory: String { root + "/.secure-upload" }
    /// Uploads in progress; a file here is never an object.
    var temporaryDirectory: String { stateDirectory + "/tmp" }
    /// Object metadata sidecars (content type, checksum, ETag), one JSON file per object.
    var metadataDirectory: String { stateDirectory + "/meta" }
    /// The RSA key that signs local tokens (PKCS#8 PEM, 0600).
    var identityKeyFile: String { stateDirectory + "/local-identity-key.pem" }
    /// The secret that derives stable `sub` values from user names (hex, 0600).
    var identitySecretFile: String { stateDirectory + "/local-identity-secret" }
    /// The access key id and secret the local receiver accepts (JSON, 0600).
    var credentialsFile: String { stateDirectory + "/local-credentials.json" }

    /// The folder holding `bucket`'s objects.
    func bucketDirectory(_ bucket: String) -> String { root + "/" + bucket }

    /// Creates the state folders (0700) if they are missing.
    func prepareStateDirectories() throws(LocalModeError) {
        try SecureFiles.makeDirectories(root)
        try SecureFiles.makePrivateDirectory(stateDirectory)
        try SecureFiles.makePrivateDirectory(temporaryDirectory)
        try SecureFiles.makePrivateDirectory(metadataDirectory)
    }
}
