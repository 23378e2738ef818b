import Engine
import Foundation

extension RunSession {
    /// The metrics server, if `--metrics_port` asked for one (`server` nil otherwise); nil when it
    /// cannot bind (said on stderr: a usage error).
    struct Metrics {
        var server: MetricsServer?
    }

    func serveMetrics(_ engine: Engine) async -> Metrics? {
        guard let port = plan.metricsPort else { return Metrics() }
        do {
            let server = try await MetricsServer.start(port: port) { await engine.snapshot() }
            // With the dashboard the screen shows it; stderr would be hidden under the screen.
            if !display.usesDashboard { Console.error("fanout: metrics at \(MetricsServer.url(port: server.port))") }
            return Metrics(server: server)
        } catch {
            Console.error("fanout: \(error); choose another --metrics_port")
            return nil
        }
    }

    /// The control endpoint and the warnings of setting it up (said now, and again under the summary
    /// when the dashboard hid them); nil when a TCP address cannot be bound (said: a usage error).
    func serveControl(_ engine: Engine, total: TotalLines) async -> (ControlSession, [String])? {
        var warnings: [String] = []
        let session: ControlSession
        do {
            session = try await ControlSession.start(control, plan: plan, engine: engine, total: total,
                                                     environment: ProcessInfo.processInfo.environment) { warnings.append($0) }
        } catch {
            if case .unusable(let sentence) = error { Console.error("fanout: \(sentence)") }
            return nil
        }
        for warning in warnings { Console.error("fanout: warning: \(warning)") }
        if let address = session.server?.address, !display.usesDashboard {
            Console.error("fanout: control at \(address) (watch and steer: fanout attach \(getpid()))")
        }
        return (session, warnings)
    }
}
