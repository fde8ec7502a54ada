import CZlib

/// gzip (RFC 1952) through zlib, for static files; compressed once per file version.
@safe
enum Gzip {
    /// The gzip encoding of `input`, or nil if zlib fails.
    static func compress(_ input: [UInt8], level: Int32 = 9) -> [UInt8]? {
        var stream = unsafe z_stream()
        guard unsafe su_deflate_init_gzip(&stream, level) == Z_OK else { return nil }
        defer { _ = unsafe deflateEnd(&stream) }
        let bound = Int(unsafe deflateBound(&stream, UInt(input.count))) + 64
        var output = [UInt8](repeating: 0, count: bound)
        let status = unsafe input.withUnsafeBufferPointer { inBuffer in
            unsafe output.withUnsafeMutableBufferPointer { outBuffer in
                unsafe stream.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress)
                unsafe stream.avail_in = UInt32(inBuffer.count)
                unsafe stream.next_out = outBuffer.baseAddress
                unsafe stream.avail_out = UInt32(outBuffer.count)
                return unsafe deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        output.removeSubrange(Int(unsafe stream.total_out)...)
        return output
    }
}
