import CryptoPrimitives
import Foundation
import Testing

@testable import UploadService

@Suite("Local object store: keys, atomic commits, S3 error bodies")
struct LocalObjectStoreTests {
    @Test(
        "path-style addresses are percent-decoded once",
        arguments: [
            ("local-bucket/uploads/a%20b.txt", "local-bucket", "uploads/a b.txt"),
            ("local-bucket/uploads/caf%C3%A9+1.txt", "local-bucket", "uploads/café+1.txt"),
            ("local-bucket/x%252F", "local-bucket", "x%2F"),
            ("local-bucket/a/b/c", "local-bucket", "a/b/c"),
        ])
    func parsesAddresses(raw: String, bucket: String, key: String) throws {
        let address = try S3ObjectAddress.parse(rawPath: raw)
        #expect(address == S3ObjectAddress(bucket: bucket, key: key))
    }

    @Test(
        "keys that could leave the bucket folder or cannot be files are refused",
        arguments: [
            ("local-bucket/../etc/passwd", "InvalidArgument"),
            ("local-bucket/a/%2E%2E/b", "InvalidArgument"),
            ("local-bucket/a/./b", "InvalidArgument"),
            ("local-bucket/a%2F..%2Fb", "InvalidArgument"),
            ("local-bucket//abs", "InvalidArgument"),
            ("local-bucket/a//b", "InvalidArgument"),
            ("local-bucket/a/", "InvalidArgument"),
            ("local-bucket/a%00b", "InvalidArgument"),
            ("local-bucket/", "InvalidArgument"),
            ("local-bucket", "InvalidArgument"),
            ("local-bucket/a%zz", "InvalidURI"),
            ("local-bucket/a%C3", "InvalidURI"),
            ("local-bucket/" + String(repeating: "k", count: 1025), "KeyTooLongError"),
            ("local-bucket/" + String(repeating: "k", count: 256), "InvalidArgument"),
        ])
    func refusesDangerousKeys(raw: String, code: String) {
        #expect(throws: S3Error.self) { try S3ObjectAddress.parse(rawPath: raw) }
        do {
            _ = try S3ObjectAddress.parse(rawPath: raw)
        } catch {
            #expect(error.code == code)
            #expect(error.status == 400)
        }
    }

    @Test("S3 error bodies are S3's XML with escaped text")
    func xmlErrorBody() {
        let body = S3Error.preconditionFailed.xmlBody(key: "uploads/<a&b>.txt", requestID: "REQ1")
        #expect(
            String(decoding: body, as: UTF8.self)
                == #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
                + "<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold"
                + "</Message><Condition>If-None-Match</Condition><Key>uploads/&lt;a&amp;b&gt;.txt</Key>"
                + "<RequestId>REQ1</RequestId></Error>")
        let control = String(decoding: S3Error.badDigest.xmlBody(key: "a\u{1}b", requestID: "R"), as: UTF8.self)
        #expect(control.contains("<Key>a\u{FFFD}b</Key>"))
        #expect(S3Error.missingContentLength.status == 411)
        #expect(S3Error.noSuchBucket.status == 404)
    }

    func write(_ bytes: [UInt8], to upload: ObjectUpload) throws {
        try bytes.withUnsafeBytes { try upload.append($0) }
    }

    func metadata(_ key: String, size: Int) -> LocalObjectStore.Metadata {
        .init(
            bucket: "local-bucket", key: key, size: Int64(size), contentType: "text/plain", checksumSHA256: nil,
            eTag: "\"e\"")
    }

    @Test("a committed upload appears byte-exact with its sidecar, and no temporary file remains")
    func commitStoresExactBytes() throws {
        let directory = LocalTemporaryDirectory()
        defer { directory.remove() }
        let store = try LocalObjectStore(layout: LocalDataLayout(root: directory.path), bucket: "local-bucket")
        let upload = try store.beginUpload()
        let content = Array("hello, local s3\n".utf8)
        try write(Array(content[0..<5]), to: upload)
        #expect(directory.files(under: "local-bucket").isEmpty, "nothing is visible while the upload runs")
        #expect(directory.files(under: ".secure-upload/tmp").count == 1)
        #expect(directory.mode(of: ".secure-upload/tmp/" + directory.files(under: ".secure-upload/tmp")[0]) == 0o600)
        try write(Array(content[5...]), to: upload)
        let digests = try upload.finishWriting()
        #expect(digests.sha256 == SHA256.hash(content))
        #expect(digests.md5 == MD5.hash(content))
        try upload.commit(
            key: "uploads/u1/file.txt", noOverwrite: true,
            metadata: metadata("uploads/u1/file.txt", size: content.count))
        #expect(directory.files(under: "local-bucket") == ["uploads/u1/file.txt"])
        #expect(
            FileManager.default.contents(atPath: directory.path + "/local-bucket/uploads/u1/file.txt") == Data(content))
        #expect(directory.files(under: ".secure-upload/tmp").isEmpty)
        #expect(store.metadata(of: "uploads/u1/file.txt") == metadata("uploads/u1/file.txt", size: content.count))
        #expect(directory.files(under: ".secure-upload/meta").count == 1)
    }

    @Test("no-overwrite commits lose atomically to an existing object; plain commits replace it")
    func noOverwrite() throws {
        let directory = LocalTemporaryDirectory()
        defer { directory.remove() }
        let store = try LocalObjectStore(layout: LocalDataLayout(root: directory.path), bucket: "local-bucket")
        for (content, noOverwrite) in [("first", true), ("second", true), ("third", false)] {
            let upload = try store.beginUpload()
            try write(Array(content.utf8), to: upload)
            _ = try upload.finishWriting()
            do {
                try upload.commit(key: "k", noOverwrite: noOverwrite, metadata: metadata("k", size: 5))
                #expect(content != "second")
            } catch {
                #expect(content == "second")
                #expect(error == .preconditionFailed)
            }
        }
        #expect(FileManager.default.contents(atPath: directory.path + "/local-bucket/k") == Data("third".utf8))
        #expect(directory.files(under: ".secure-upload/tmp").isEmpty)
    }

    @Test("a discarded upload leaves no file anywhere")
    func discardRemovesTemporaryFile() throws {
        let directory = LocalTemporaryDirectory()
        defer { directory.remove() }
        let store = try LocalObjectStore(layout: LocalDataLayout(root: directory.path), bucket: "local-bucket")
        do {
            let upload = try store.beginUpload()
            try write(Array(repeating: 7, count: 100_000), to: upload)
            upload.discard()
            upload.discard()
        }
        do {
            // Dropped without discard (the handler vanished): deinit cleans up.
            let upload = try store.beginUpload()
            try write([1, 2, 3], to: upload)
        }
        #expect(directory.files(under: ".secure-upload/tmp").isEmpty)
        #expect(directory.files(under: "local-bucket").isEmpty)
    }

    @Test(
        "a key whose folder part is an existing object, or that walks through a symlink out of the bucket, is refused")
    func refusesConflictsAndSymlinkEscapes() throws {
        let directory = LocalTemporaryDirectory()
        defer { directory.remove() }
        let outside = LocalTemporaryDirectory()
        defer { outside.remove() }
        let store = try LocalObjectStore(layout: LocalDataLayout(root: directory.path), bucket: "local-bucket")
        let first = try store.beginUpload()
        _ = try first.finishWriting()
        try first.commit(key: "a", noOverwrite: true, metadata: metadata("a", size: 0))
        let nested = try store.beginUpload()
        _ = try nested.finishWriting()
        #expect(throws: S3Error.self) {
            try nested.commit(key: "a/b", noOverwrite: true, metadata: metadata("a/b", size: 0))
        }

        try FileManager.default.createSymbolicLink(
            atPath: directory.path + "/local-bucket/link", withDestinationPath: outside.path)
        let escaping = try store.beginUpload()
        _ = try escaping.finishWriting()
        do {
            try escaping.commit(key: "link/deeper/x", noOverwrite: true, metadata: metadata("link/deeper/x", size: 0))
            Issue.record("wrote through a symlink out of the bucket")
        } catch {
            #expect(error.code == "InvalidArgument")
        }
        #expect(outside.files(under: "").isEmpty)
        #expect(!FileManager.default.fileExists(atPath: outside.path + "/deeper"), "no folder was made outside either")
        #expect(directory.files(under: ".secure-upload/tmp").isEmpty)
    }

    @Test("local S3 credentials are generated once, 0600, AWS-shaped, and reused")
    func credentialsPersist() throws {
        let directory = LocalTemporaryDirectory()
        defer { directory.remove() }
        let layout = LocalDataLayout(root: directory.path)
        let first = try LocalS3CredentialsFile.loadOrCreate(layout: layout)
        let second = try LocalS3CredentialsFile.loadOrCreate(layout: layout)
        #expect(first == second)
        #expect(first.accessKeyID.count == 20)
        #expect(first.accessKeyID.hasPrefix("LOCALKEY"))
        #expect(first.accessKeyID.allSatisfy { $0.isUppercase || $0.isNumber })
        #expect(first.secretAccessKey.count == 40)
        #expect(directory.mode(of: ".secure-upload/local-credentials.json") == 0o600)
        #expect(LocalS3CredentialsFile.generate() != first)
    }

    @Test("temporary files a crashed run left behind are removed at start once stale, fresh ones are kept")
    func removesStaleTemporaryFiles() throws {
        let directory = LocalTemporaryDirectory()
        defer { directory.remove() }
        let layout = LocalDataLayout(root: directory.path)
        try layout.prepareStateDirectories()
        let leftover = layout.temporaryDirectory + "/0123456789abcdef.upload"
        let unrelated = layout.temporaryDirectory + "/keep.txt"
        #expect(FileManager.default.createFile(atPath: leftover, contents: Data([1, 2, 3])))
        #expect(FileManager.default.createFile(atPath: unrelated, contents: Data([4])))
        _ = try LocalObjectStore(layout: layout, bucket: "local-bucket", staleAfter: 3600, now: Date())
        #expect(FileManager.default.fileExists(atPath: leftover), "an upload written to just now may still be running")
        _ = try LocalObjectStore(layout: layout, bucket: "local-bucket", staleAfter: 3600, now: Date() + 7200)
        #expect(!FileManager.default.fileExists(atPath: leftover))
        #expect(FileManager.default.fileExists(atPath: unrelated))
    }

    @Test("the data-folder lock is exclusive while held; its holder removes even fresh leftovers at start")
    func exclusiveStartRemovesEveryLeftover() throws {
        let directory = LocalTemporaryDirectory()
        defer { directory.remove() }
        let layout = LocalDataLayout(root: directory.path)
        try layout.prepareStateDirectories()
        var first = DataDirectoryLock(layout: layout)
        #expect(first != nil, "the first holder gets the lock")
        #expect(DataDirectoryLock(layout: layout) == nil, "a second holder while the first lives")
        let leftover = layout.temporaryDirectory + "/fedcba9876543210.upload"
        #expect(FileManager.default.createFile(atPath: leftover, contents: Data([1, 2, 3])))
        _ = try LocalObjectStore(layout: layout, bucket: "local-bucket", lock: nil, now: Date())
        #expect(FileManager.default.fileExists(atPath: leftover))
        _ = try LocalObjectStore(layout: layout, bucket: "local-bucket", lock: first, now: Date())
        #expect(!FileManager.default.fileExists(atPath: leftover), "written just now, but nobody else can own it")
        first = nil
        #expect(DataDirectoryLock(layout: layout) != nil, "released with its holder")
    }

    @Test("no path assembled from traversal fragments ever yields a key that leaves the bucket folder")
    func traversalFragmentsNeverEscape() {
        let fragments = ["a", "/", ".", "..", "%2e", "%2E", "%2f", "%2F", "%00", "%", "%5c", "\\", "~", "%252e"]
        // A fixed linear congruential sequence: the same 20,000 paths on every run.
        var state: UInt64 = 0x5EED
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        var accepted = 0
        for _ in 0..<20_000 {
            var raw = "local-bucket/"
            for _ in 0..<(1 + next() % 8) { raw += fragments[next() % fragments.count] }
            guard let address = try? S3ObjectAddress.parse(rawPath: raw) else { continue }
            accepted += 1
            let segments = address.key.split(separator: "/", omittingEmptySubsequences: false)
            #expect(!segments.contains(".") && !segments.contains("..") && !segments.contains(""), "\(raw)")
            #expect(!address.key.utf8.contains(0), "\(raw)")
            #expect(address.bucket == "local-bucket")
        }
        #expect(accepted > 100, "the generator also produces acceptable keys")
    }
}
