/// S3's rules for a general purpose bucket's name, shared by aws mode (`UPLOAD_BUCKET` names the
/// real bucket) and local mode (it names a folder under the data directory; a name that begins
/// with a letter or digit cannot collide with the `.secure-upload` state folder).
enum S3BucketName {
    /// Why `name` is not a bucket name S3 would accept, or nil.
    static func problem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        if bytes.count < 3 || bytes.count > 63 { return "must be 3 to 63 characters, got \(bytes.count)" }
        func isLowerAlnum(_ byte: UInt8) -> Bool { (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) }
        guard bytes.allSatisfy({ isLowerAlnum($0) || $0 == 0x2E || $0 == 0x2D }) else {
            return "may contain only lowercase letters, digits, '.' and '-'"
        }
        guard isLowerAlnum(bytes.first!), isLowerAlnum(bytes.last!) else {
            return "must begin and end with a lowercase letter or digit"
        }
        if zip(bytes, bytes.dropFirst()).contains(where: { $0 == 0x2E && $1 == 0x2E }) {
            return "must not contain two adjacent periods"
        }
        return nil
    }
}
