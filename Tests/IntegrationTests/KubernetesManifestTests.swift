import Foundation
import Testing
import TestSupport

/// The documented Kubernetes manifests (deploy/kubernetes) against the Kubernetes schemas, with the
/// `kubernetes-validate` package from PyPI (installed by .ci/run in ~/.cache/fanout-k8s-validate).
@Suite(.serialized, .tags(.integration)) struct KubernetesManifestTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let manifests = root.appendingPathComponent("deploy/kubernetes")
    static let validator = URL(fileURLWithPath: (ProcessInfo.processInfo.environment["HOME"] ?? "/root")
        + "/.cache/fanout-k8s-validate/bin/kubernetes-validate")

    static func files() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: manifests.path).filter { $0.hasSuffix(".yaml") }.sorted()
            .map { manifests.appendingPathComponent($0).path }
    }

    static func validate(_ paths: [String], version: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = validator
        process.arguments = ["--strict", "-k", version] + paths
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Every manifest passes strict validation (unknown fields refused) for an older and the newest
    /// Kubernetes the validator knows; a manifest with a misspelt field fails, so the check can fail.
    @Test func manifestsValidate() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.validator.path), "run .ci/run, which installs kubernetes-validate")
        let files = try Self.files()
        #expect(files.map { ($0 as NSString).lastPathComponent } == ["configmap.yaml", "job.yaml", "redis.yaml", "secret.example.yaml", "service.yaml", "volumes.yaml"])
        for version in ["1.30.0", "1.37.0"] {
            let result = try Self.validate(files, version: version)
            #expect(result.status == 0, "\(version): \(result.output)")
            #expect(result.output.components(separatedBy: " passed for resource ").count - 1 == 8, "\(result.output)")
        }
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("job-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: broken) }
        let job = try String(contentsOfFile: Self.manifests.appendingPathComponent("job.yaml").path, encoding: .utf8)
        try job.replacingOccurrences(of: "completionMode: Indexed", with: "completionMod: Indexed").write(toFile: broken, atomically: true, encoding: .utf8)
        #expect(try Self.validate([broken], version: "1.37.0").status != 0)
    }

    /// The Job's arguments are options `fanout run` has, and the headless Service selects the Job's pods
    /// on the port the shards' control endpoints listen on.
    @Test func jobAndServiceFitTogether() throws {
        let job = try String(contentsOfFile: Self.manifests.appendingPathComponent("job.yaml").path, encoding: .utf8)
        let service = try String(contentsOfFile: Self.manifests.appendingPathComponent("service.yaml").path, encoding: .utf8)
        let help = try BinaryTests().fanout(["run", "--help"]).stdout
        let options = job.split(separator: "\n").compactMap { line -> String? in
            let text = line.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("- --") else { return nil }
            return String(text.dropFirst(2).split(separator: "=").first ?? "")
        }
        #expect(options.count >= 8)
        for option in options { #expect(help.contains(option + " ") || help.contains(option + ","), "\(option) is not an option of fanout run") }
        #expect(options.contains("--control") && options.contains("--control_token_env") && options.contains("--shards") && options.contains("--fleet_rate"))
        #expect(job.contains("--control=0.0.0.0:7070") && job.contains("containerPort: 7070"))
        #expect(service.contains("clusterIP: None") && service.contains("port: 7070"))
        for label in ["app.kubernetes.io/name: fanout", "app.kubernetes.io/component: shard"] {
            #expect(service.contains(label) && job.contains(label))
        }
        // The shards reach the fleet store by its Service's name and port.
        let redis = try String(contentsOfFile: Self.manifests.appendingPathComponent("redis.yaml").path, encoding: .utf8)
        #expect(job.contains("--limits_store=redis://fanout-redis:6379") && redis.contains("name: fanout-redis") && redis.contains("port: 6379"))
    }
}
