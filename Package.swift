// swift-tools-version:6.2
import PackageDescription

/// One set of compiler settings for every Swift target (see STYLE.md, practice 1).
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// Targets that call C also opt in to strict memory-safety diagnostics.
let cCallingSettings: [SwiftSetting] = swiftSettings + [.strictMemorySafety()]

/// The symbol order and the linker script of the release link (below), beside the executable's
/// sources. Declared first: a manifest's globals are set in the order they are written.
let linkFolder = Context.packageDirectory + "/Sources/secure-upload/Link"

/// Release builds are linked by lld with packed relative relocations (DT_RELR): the ~40,000
/// relocations of Swift's metadata take 8 KB instead of 940 KB, which the loader otherwise reads,
/// and keeps resident, at every start (docs/performance.md, fourth round). A DT_RELR binary needs
/// glibc 2.36 where it runs, so it is asked for only where the building machine has that (Debian
/// 12, the image's base; Ubuntu 24.04); elsewhere the link stays as it was.
///
/// The same link places the functions the server runs (start-up and the request path, recorded by
/// scripts/bench/symbol-order.py) together at the front of `.text`: the kernel keeps resident every
/// 64 KB window of code a process ever ran in, and spread over the default layout those functions
/// kept 7.5 MB of code resident instead of about 3 (docs/performance.md, fifth round). That needs
/// each function in a section of its own: the release build command asks every module, the
/// dependencies' too, for `-function-sections` (scripts/build-release.sh, the Dockerfile).
let releaseLinkerSettings: [LinkerSetting] =
    buildMachineGlibcHasRELR
    ? [
        .unsafeFlags(
            [
                "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
                "-Xlinker", "--symbol-ordering-file", "-Xlinker", "\(linkFolder)/symbol-order.txt",
                "-Xlinker", "--no-warn-symbol-ordering",
                "-Xlinker", "--script", "-Xlinker", "\(linkFolder)/local-functions.ld",
            ],
            .when(platforms: [.linux], configuration: .release))
    ] : []

#if canImport(Glibc)
import Glibc

var buildMachineGlibcHasRELR: Bool {
    // confstr answers "glibc 2.36".
    var text = [CChar](repeating: 0, count: 64)
    guard confstr(Int32(_CS_GNU_LIBC_VERSION), &text, text.count) > 0 else { return false }
    let words = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        .split(separator: " ")
    guard words.count == 2, words[0] == "glibc" else { return false }
    let version = words[1].split(separator: ".").compactMap { Int($0) }
    return version.count >= 2 && (version[0], version[1]) >= (2, 36)
}
#else
let buildMachineGlibcHasRELR = false
#endif

let package = Package(
    name: "SecureUpload",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "secure-upload", targets: ["secure-upload"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C, entered through exactly one module each.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "CSystem"),

        // Libraries; dependencies point down only.
        .target(
            name: "CryptoPrimitives",
            dependencies: ["COpenSSL"],
            swiftSettings: cCallingSettings
        ),
        .target(
            name: "HTTPServer",
            dependencies: [
                "CSystem", "CZlib",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: cCallingSettings
        ),
        .target(
            name: "JWTAuth",
            dependencies: ["CryptoPrimitives"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SigV4",
            dependencies: ["CryptoPrimitives"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "UploadService",
            dependencies: [
                "HTTPServer", "JWTAuth", "SigV4", "CryptoPrimitives",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "secure-upload",
            dependencies: [
                "UploadService", "HTTPServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Link"],
            swiftSettings: swiftSettings,
            linkerSettings: releaseLinkerSettings
        ),
        // A runnable HTTPServer for trying it by hand and benchmarking; not shipped.
        .executableTarget(
            name: "http-example",
            dependencies: ["HTTPServer", .product(name: "Logging", package: "swift-log")],
            path: "Examples/http-example",
            swiftSettings: swiftSettings
        ),

        // Tests: one target per library. Fixtures are found through #filePath.
        // The TLS peers (tls_server.py, run as a child process) that both TLS suites test against.
        .target(
            name: "TLSTestSupport",
            path: "Tests/TLSTestSupport",
            exclude: ["tls_server.py"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CryptoPrimitivesTests",
            dependencies: ["CryptoPrimitives", "TLSTestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HTTPServerTests",
            dependencies: ["HTTPServer"],
            exclude: ["Fixtures"],
            swiftSettings: cCallingSettings
        ),
        .testTarget(
            name: "JWTAuthTests",
            dependencies: ["JWTAuth", "CryptoPrimitives"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SigV4Tests",
            dependencies: ["SigV4", "CryptoPrimitives"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "UploadServiceTests",
            dependencies: ["UploadService", "HTTPServer", "JWTAuth", "SigV4", "CryptoPrimitives", "TLSTestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
    ]
)

// Fuzz targets (libFuzzer), only when asked for: `SECURE_UPLOAD_FUZZ=1 swift build
// -Xswiftc -sanitize=fuzzer,address ...` (see scripts/fuzz.sh). They live in this package so that
// they can call `package` APIs; an ordinary build never sees them.
if Context.environment["SECURE_UPLOAD_FUZZ"] == "1" {
    func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
        .executableTarget(
            name: name,
            dependencies: dependencies + ["CFuzzerDriver"],
            path: "Fuzz/\(name)",
            // libFuzzer owns `main`; the harness defines `<module>_main` for SwiftPM's link.
            swiftSettings: swiftSettings + [.unsafeFlags(["-parse-as-library"])]
        )
    }
    package.targets += [
        .target(name: "CFuzzerDriver", path: "Fuzz/CFuzzerDriver"),
        fuzzTarget("FuzzHTTPParser", ["HTTPServer"]),
        fuzzTarget("FuzzJWTVerifier", ["JWTAuth", "CryptoPrimitives"]),
        fuzzTarget("FuzzUploadRequest", ["UploadService"]),
        fuzzTarget("FuzzObjectKey", ["UploadService"]),
        fuzzTarget("FuzzS3Query", ["SigV4"]),
        fuzzTarget("FuzzHTTPResponse", ["UploadService", "SigV4"]),
    ]
}

// Micro-benchmarks of the hot paths, only when asked for: `SECURE_UPLOAD_BENCHMARKS=1 swift run -c
// release --scratch-path .build-bench secure-upload-microbench` (see docs/performance.md). A plain
// release-mode executable: it needs nothing beyond this package, so it builds in seconds wherever
// the server builds.
if Context.environment["SECURE_UPLOAD_BENCHMARKS"] == "1" {
    package.targets += [
        // Counts the process's heap allocations (it interposes malloc); only the benchmarks link it.
        .target(name: "CAllocationCounter", path: "Benchmarks/CAllocationCounter"),
        .executableTarget(
            name: "secure-upload-microbench",
            dependencies: [
                "HTTPServer", "JWTAuth", "SigV4", "UploadService", "CryptoPrimitives", "CAllocationCounter",
            ],
            path: "Benchmarks/Microbench",
            swiftSettings: swiftSettings
        ),
    ]
}
