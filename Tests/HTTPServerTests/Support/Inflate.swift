import CZlib

/// gunzip through zlib, to check the server's gzip bodies round-trip.
enum Inflate {
    static func gunzip(_ input: [UInt8]) -> [UInt8]? {
        var stream = unsafe z_stream()
        guard unsafe su_inflate_init_gzip(&stream) == Z_OK else { return nil }
        defer { _ = unsafe inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        var input = input
        var status: Int32 = Z_OK
        unsafe input.withUnsafeMutableBufferPointer { inBuffer in
            unsafe stream.next_in = inBuffer.baseAddress
            unsafe stream.avail_in = UInt32(inBuffer.count)
            while status == Z_OK {
                let produced = unsafe chunk.withUnsafeMutableBufferPointer { outBuffer in
                    unsafe stream.next_out = outBuffer.baseAddress
                    unsafe stream.avail_out = UInt32(outBuffer.count)
                    status = unsafe inflate(&stream, Z_NO_FLUSH)
                    return outBuffer.count - Int(unsafe stream.avail_out)
                }
                output.append(contentsOf: chunk[0..<produced])
            }
        }
        return status == Z_STREAM_END ? output : nil
    }
}
