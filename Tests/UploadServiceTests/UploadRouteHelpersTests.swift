import HTTPServer
import Testing

@testable import UploadService

@Suite("Upload route helpers")
struct UploadRouteHelpersTests {
    /// The general rule, as it was written before the fast path.
    static func referenceIsJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let essence = contentType.split(separator: ";", maxSplits: 1).first.map { String($0).trimmingASCIIWhitespace() }
        return essence?.lowercased() == "application/json"
    }

    @Test(
        "accepts exactly the Content-Type values the general rule accepts",
        arguments: [
            nil, "", "application/json", "APPLICATION/JSON", "Application/Json", "application/json; charset=utf-8",
            " application/json ", "application/jsonx", "application/jso", "application\u{0F}json", "application/json;",
            ";application/json", "text/json", "application/x-json", "application\\json", "applicatio\u{4E}/json",
            "application/json\u{0}",
        ])
    func isJSONMatchesGeneralRule(contentType: String?) {
        #expect(UploadRoute.isJSON(contentType) == Self.referenceIsJSON(contentType))
    }

    @Test("a request without Origin gets the same CORS headers as the policy gives")
    func varyOriginForNoOrigin() {
        let policy = CORSPolicy(allowedOrigins: ["https://app.example.com"])
        let expected = policy.responseHeaders(origin: nil)
        #expect(expected.count == 1)
        #expect(UploadRoute.varyOrigin.values("Vary") == [expected["Vary"]].compactMap { $0 })
        #expect(UploadRoute.varyOrigin.values("Access-Control-Allow-Origin").isEmpty)
    }
}
