// A tiny runnable HTTPServer: `swift run -c release http-example [port] [static-dir] [loops]`.
// For trying the server by hand and for benchmarks (wrk); not part of the product.
import Foundation
import HTTPServer
import Logging

let arguments = CommandLine.arguments
var configuration = HTTPServerConfiguration()
configuration.port = arguments.count > 1 ? Int(arguments[1]) ?? 8081 : 8081
if arguments.count > 3, let loops = Int(arguments[3]) { configuration.eventLoopCount = loops }

var router = Router()
router.add(.get, "/healthz") { _ in
    .respond(HTTPResponse(status: .ok, headers: ["Content-Type": "text/plain"], body: Array("ok\n".utf8)))
}
router.add(.post, "/echo") { request in
    .respond(HTTPResponse(status: .ok, headers: ["Content-Type": "application/octet-stream"], body: request.body))
}
router.add(.get, "/later") { _ in
    .later {
        try? await Task.sleep(for: .milliseconds(10))
        return HTTPResponse(status: .ok, body: Array("later\n".utf8))
    }
}
if arguments.count > 2 {
    router.serveStatic(try StaticFiles(root: arguments[2]))
}

var logger = Logger(label: "http-example")
logger.logLevel = .info
let server = HTTPServer(configuration: configuration, router: router, logger: logger)
let port = try server.start()
print("listening on http://127.0.0.1:\(port)/ (pid \(getpid()))")

let stop = DispatchSemaphore(value: 0)
signal(SIGINT, SIG_IGN)
signal(SIGTERM, SIG_IGN)
let sources = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0, queue: .main) }
for source in sources {
    source.setEventHandler { stop.signal() }
    source.resume()
}
DispatchQueue.global().async {
    stop.wait()
    Task {
        await server.shutdown(gracePeriod: .seconds(5))
        exit(0)
    }
}
dispatchMain()
