import Testing

@testable import HTTPServer

@Suite("Static files: path and header rules")
struct StaticPathTests {
    @Test(
        "maps request paths to files under the root, or refuses them",
        .tags(.security),
        arguments: [
            ("/", "/index.html"), ("/a/b.css", "/a/b.css"), ("/a/", "/a/index.html"), ("/sp%20ace.txt", "/sp ace.txt"),
            ("/caf%C3%A9.html", "/caf\u{E9}.html"), ("/..", "400"), ("/a/../b", "400"), ("/%2e%2e/x", "400"),
            ("/%2E%2e%2Fx", "400"), ("/a/%2e/b", "400"), ("/a%5c..%5cb", "400"), ("/a\\b", "400"),
            ("/a%00.html", "400"),
            ("/%", "400"), ("/%g0", "400"), ("/%FF", "400"), ("/.git/config", "404"), ("/a/.env", "404"),
            ("//x", "404"), ("/a//b", "404"), ("x", "404"),
        ])
    func sanitize(path: String, expected: String) {
        switch StaticFiles.sanitize(path) {
        case .success(let relative): #expect(relative == expected)
        case .failure(.badPath): #expect(expected == "400")
        case .failure(.notFound): #expect(expected == "404")
        }
    }

    @Test(
        "honours Accept-Encoding q-values for gzip",
        arguments: [
            (nil, false), ("gzip", true), ("GZIP", true), ("br, gzip;q=0.5", true), ("gzip;q=0", false),
            ("gzip; q=0.000", false), ("*", true), ("*;q=0", false), ("identity", false), ("x-gzip", true),
            ("deflate, br", false), ("gzip;q=0, *", false),
        ] as [(String?, Bool)])
    func acceptsGzip(header: String?, accepted: Bool) {
        #expect(StaticFiles.acceptsGzip(header) == accepted)
    }

    @Test("content types come from the extension, case-insensitively; unknown is octet-stream")
    func mediaTypes() {
        #expect(MediaTypes.contentType(forFileName: "/x/INDEX.HTML") == "text/html; charset=utf-8")
        #expect(MediaTypes.contentType(forFileName: "a.woff2") == "font/woff2")
        #expect(MediaTypes.contentType(forFileName: "a.svg") == "image/svg+xml")
        #expect(MediaTypes.contentType(forFileName: "Makefile") == "application/octet-stream")
        #expect(MediaTypes.contentType(forFileName: "a.exe") == "application/octet-stream")
    }
}
