/// The canonical URI of the AWS document ("Create a canonical request", step 2).
///
/// S3 rules: the decoded path is encoded once, `/` kept, and never normalised (`//`, `.` and `..`
/// are part of an object key). Other services: the path is normalised (RFC 3986 §5.2.4 dot-segment
/// removal, repeated slashes collapsed) before encoding.
package enum CanonicalPath {
    /// The canonical URI for a decoded path (the bytes the key or path stands for).
    package static func canonicalURI(decodedPath: some Collection<UInt8>, normalize: Bool) -> String {
        var path = Array(decodedPath)
        if normalize { path = normalized(path) }
        if path.isEmpty { return "/" }
        var output: [UInt8] = []
        output.reserveCapacity(path.count * 3)
        URIEncoding.append(path, keepingSlash: true, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// `path` with `.` and `..` segments resolved and empty segments dropped; keeps a trailing slash.
    package static func normalized(_ path: [UInt8]) -> [UInt8] {
        let slash = UInt8(ascii: "/")
        var segments: [ArraySlice<UInt8>] = []
        for segment in path.split(separator: slash, omittingEmptySubsequences: true) {
            if segment.elementsEqual([UInt8(ascii: ".")]) { continue }
            if segment.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) {
                _ = segments.popLast()
                continue
            }
            segments.append(segment)
        }
        var output: [UInt8] = [slash]
        for (index, segment) in segments.enumerated() {
            if index > 0 { output.append(slash) }
            output.append(contentsOf: segment)
        }
        if !segments.isEmpty, path.last == slash { output.append(slash) }
        return output
    }
}
