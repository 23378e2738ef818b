import ArgumentParser
import Engine
import Foundation

/// Where a run listens for `fanout attach`, `fanout ps` and HTTP clients (docs/control.md).
struct ControlOptions: ParsableArguments {
    @Option(name: .customLong("control"), help: ArgumentHelp("The control endpoint: a socket PATH (with a /), HOST:PORT (needs --control_token_env), or none (default: a socket in the per-user run directory, found by fanout ps and attach).", valueName: "path|host:port|none"))
    var control: String?

    @Option(name: .both("control_token_env"), help: ArgumentHelp("Environment variable holding the token a TCP control endpoint requires as Authorization: Bearer TOKEN (never printed).", valueName: "var"))
    var controlTokenEnv: String?

    /// The address's form and the token option's presence; the variable itself is read by `setting`.
    func validate() throws {
        _ = try setting(environment: controlTokenEnv.map { [$0: "checked when the run starts"] } ?? [:])
    }

    /// What `--control` and `--control_token_env` ask for, checked against the environment.
    func setting(environment: [String: String]) throws -> ControlSetting {
        guard let control else { return .defaultSocket }
        if control == "none" { return .none }
        guard let address = ControlAddress(control) else {
            throw ValidationError("--control takes a socket path with a / (e.g. ./run.sock), HOST:PORT (e.g. 127.0.0.1:7070) or none, not \"\(control)\".")
        }
        if case .socket(let path) = address {
            // Absolute, so ps and attach find it from any directory.
            let absolute = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
            return .address(.socket(path: (absolute as NSString).standardizingPath), token: nil, tokenEnv: nil)
        }
        guard let variable = controlTokenEnv else {
            throw ValidationError("--control \(address) is TCP: give --control_token_env VAR, where VAR holds the token clients must send (e.g. export FANOUT_TOKEN=$(openssl rand -hex 16)).")
        }
        return .address(address, token: try Self.token(in: variable, environment: environment, meaning: "the token clients must send"),
                        tokenEnv: variable)
    }

    /// The token held by the variable `--control_token_env` names; a usage error when it is unset or empty.
    static func token(in variable: String, environment: [String: String], meaning: String) throws -> BearerToken {
        guard let token = environment[variable].flatMap(BearerToken.init) else {
            throw ValidationError("--control_token_env \(variable): the variable is unset or empty; set it to \(meaning).")
        }
        return token
    }
}

/// The control endpoint a run asked for.
enum ControlSetting: Sendable {
    /// No control endpoint (`--control none`).
    case none
    /// A socket in the per-user run directory (`ControlDirectory`).
    case defaultSocket
    /// A socket path, or a TCP address with its token and the variable that held it.
    case address(ControlAddress, token: BearerToken?, tokenEnv: String?)
}
