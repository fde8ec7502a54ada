import Foundation
import Testing

@testable import HTTPServer

extension LiveTests {
    @Suite("Live server: static files")
    struct StaticFilesTests {
        /// A fresh site in a temporary directory, with a secret next to it and symlinks that try
        /// to reach it.
        struct Site {
            let root: String
            let outside: String
            let css: String

            init() throws {
                let base = NSTemporaryDirectory() + "static-\(UUID().uuidString)"
                root = base + "/site"
                outside = base + "/outside"
                let manager = FileManager.default
                try manager.createDirectory(atPath: root + "/sub", withIntermediateDirectories: true)
                try manager.createDirectory(atPath: outside, withIntermediateDirectories: true)
                css = String(repeating: "body { margin: 0; padding: 0; color: #123456; }\n", count: 40)
                try "<!doctype html><title>home</title>".write(
                    toFile: root + "/index.html", atomically: true, encoding: .utf8)
                try css.write(toFile: root + "/style.css", atomically: true, encoding: .utf8)
                try "console.log(1)".write(toFile: root + "/app.js", atomically: true, encoding: .utf8)
                try Data([0x89, 0x50, 0x4E, 0x47, 0, 1, 2, 3]).write(to: URL(fileURLWithPath: root + "/logo.png"))
                try "sub page".write(toFile: root + "/sub/index.html", atomically: true, encoding: .utf8)
                try "SECRET=1".write(toFile: root + "/.env", atomically: true, encoding: .utf8)
                try "top secret".write(toFile: outside + "/secret.txt", atomically: true, encoding: .utf8)
                try manager.createSymbolicLink(
                    atPath: root + "/escape.txt", withDestinationPath: outside + "/secret.txt")
                try manager.createSymbolicLink(atPath: root + "/escape-dir", withDestinationPath: outside)
                try manager.createSymbolicLink(atPath: root + "/inside.css", withDestinationPath: root + "/style.css")
            }

            func remove() {
                try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent)
            }
        }

        static func withSite(_ body: (LiveServer, Site) async throws -> Void) async throws {
            let site = try Site()
            defer { site.remove() }
            var router = Router()
            router.add(.get, "/api") { _ in .respond(HTTPResponse(status: .ok, body: Array("api".utf8))) }
            router.serveStatic(try StaticFiles(root: site.root, cacheControl: "public, max-age=60"))
            try await LiveServer.with(router: router) { live in try await body(live, site) }
        }

        static func get(
            _ live: LiveServer, _ path: String, headers: String = "", method: String = "GET"
        ) throws -> TestClient.Response {
            let client = try live.client()
            try client.send("\(method) \(path) HTTP/1.1\r\nHost: t\r\n\(headers)\r\n")
            return try client.readResponse(bodyless: method == "HEAD")
        }

        @Test("serves / as index.html with the HTML content type, no-cache and the CSP")
        func index() async throws {
            try await Self.withSite { live, _ in
                let response = try Self.get(live, "/")
                #expect(response.status == 200)
                #expect(response.text == "<!doctype html><title>home</title>")
                #expect(response.header("Content-Type") == "text/html; charset=utf-8")
                #expect(response.header("Cache-Control") == "no-cache")
                #expect(
                    response.header("Content-Security-Policy")
                        == "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
                #expect(try Self.get(live, "/sub/").text == "sub page")
                #expect(try Self.get(live, "/api").text == "api")
            }
        }

        @Test(
            "sends the content type for each extension and a max-age for assets",
            arguments: [
                ("/style.css", "text/css; charset=utf-8"), ("/app.js", "text/javascript; charset=utf-8"),
                ("/logo.png", "image/png"),
            ])
        func contentTypes(path: String, type: String) async throws {
            try await Self.withSite { live, _ in
                let response = try Self.get(live, path)
                #expect(response.status == 200)
                #expect(response.header("Content-Type") == type)
                #expect(response.header("Cache-Control") == "public, max-age=60")
                #expect(response.header("Content-Security-Policy") == nil)
                #expect(response.header("X-Content-Type-Options") == "nosniff")
            }
        }

        @Test("answers If-None-Match with the ETag, and If-Modified-Since, with 304 and no body")
        func conditional() async throws {
            try await Self.withSite { live, _ in
                let first = try Self.get(live, "/app.js")
                let etag = try #require(first.header("ETag"))
                let lastModified = try #require(first.header("Last-Modified"))
                #expect(etag.hasPrefix("\"") && etag.hasSuffix("\""))
                let tagged = try Self.get(live, "/app.js", headers: "If-None-Match: \"other\", \(etag)\r\n")
                #expect(tagged.status == 304)
                #expect(tagged.body.isEmpty)
                #expect(tagged.header("ETag") == etag)
                #expect(try Self.get(live, "/app.js", headers: "If-None-Match: W/\(etag)\r\n").status == 304)
                #expect(try Self.get(live, "/app.js", headers: "If-None-Match: \"stale\"\r\n").status == 200)
                #expect(try Self.get(live, "/app.js", headers: "If-Modified-Since: \(lastModified)\r\n").status == 304)
                let old = "Sat, 01 Jan 2000 00:00:00 GMT"
                #expect(try Self.get(live, "/app.js", headers: "If-Modified-Since: \(old)\r\n").status == 200)
            }
        }

        @Test("serves a new version when the file changes")
        func changedFile() async throws {
            try await Self.withSite { live, site in
                let before = try Self.get(live, "/app.js")
                try "console.log(2) // changed".write(toFile: site.root + "/app.js", atomically: true, encoding: .utf8)
                try await Task.sleep(for: .milliseconds(1100))
                let after = try Self.get(live, "/app.js")
                #expect(after.text == "console.log(2) // changed")
                #expect(after.header("ETag") != before.header("ETag"))
            }
        }

        @Test("gzips text when accepted: Vary, its own ETag, and the body inflates to the file")
        func gzip() async throws {
            try await Self.withSite { live, site in
                let zipped = try Self.get(live, "/style.css", headers: "Accept-Encoding: br, gzip;q=0.8\r\n")
                #expect(zipped.header("Content-Encoding") == "gzip")
                #expect(zipped.header("Vary") == "Accept-Encoding")
                #expect(zipped.body.count < site.css.utf8.count)
                #expect(Inflate.gunzip(zipped.body) == Array(site.css.utf8))
                let plain = try Self.get(live, "/style.css")
                #expect(plain.header("Content-Encoding") == nil)
                #expect(plain.header("Vary") == "Accept-Encoding")
                #expect(plain.text == site.css)
                #expect(plain.header("ETag") != zipped.header("ETag"))
                let refused = try Self.get(live, "/style.css", headers: "Accept-Encoding: gzip;q=0\r\n")
                #expect(refused.header("Content-Encoding") == nil)
                let png = try Self.get(live, "/logo.png", headers: "Accept-Encoding: gzip\r\n")
                #expect(png.header("Content-Encoding") == nil)
            }
        }

        @Test("HEAD sends the headers of GET without the body")
        func head() async throws {
            try await Self.withSite { live, site in
                let head = try Self.get(live, "/style.css", method: "HEAD")
                #expect(head.status == 200)
                #expect(head.header("Content-Length") == "\(site.css.utf8.count)")
                #expect(head.header("Content-Type") == "text/css; charset=utf-8")
            }
        }

        @Test(
            "refuses traversal attempts",
            .tags(.security),
            arguments: [
                ("/../outside/secret.txt", 400), ("/%2e%2e/outside/secret.txt", 400),
                ("/%2E%2E/%2e%2e/etc/passwd", 400),
                ("/sub/..%2f..%2foutside/secret.txt", 400), ("/..%5c..%5coutside", 400), ("/sub\\..\\.env", 400),
                ("/index.html%00.png", 400), ("/%zz", 400), ("/./index.html", 400), ("/.env", 404), ("/%2eenv", 404),
                ("/escape.txt", 404), ("/escape-dir/secret.txt", 404), ("//etc/passwd", 404), ("/sub", 404),
                ("/missing.txt", 404),
            ])
        func traversal(path: String, status: Int) async throws {
            try await Self.withSite { live, _ in
                let response = try Self.get(live, path)
                #expect(response.status == status)
                #expect(!response.text.contains("secret"))
                #expect(!response.text.contains("SECRET"))
            }
        }

        @Test("follows a symlink that stays inside the root")
        func insideSymlink() async throws {
            try await Self.withSite { live, site in
                let response = try Self.get(live, "/inside.css")
                #expect(response.text == site.css)
            }
        }

        @Test("static files answer only GET and HEAD")
        func otherMethods() async throws {
            try await Self.withSite { live, _ in
                let response = try Self.get(live, "/index.html", method: "DELETE")
                #expect(response.status == 404)
            }
        }

        @Test("refuses a root that does not exist")
        func missingRoot() {
            #expect(throws: StaticFilesError.rootNotFound("/no/such/dir")) {
                try StaticFiles(root: "/no/such/dir")
            }
        }
    }
}
