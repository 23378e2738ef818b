import ArgumentParser
import Engine
import Foundation

/// What `fanout attach` and `fanout ps` were pointed at, resolved to a control address.
///
/// A TARGET is a pid, a socket path, a save file path (the run writing it), or `HOST:PORT`.
enum AttachTarget {
    /// The control address of `target`, using the runs listed in `directory`.
    static func resolve(_ target: String, runs: [RunEntry]) throws -> (address: ControlAddress, entry: RunEntry?) {
        if let pid = Int32(target) {
            guard let entry = runs.first(where: { $0.pid == pid }) else {
                throw ValidationError("no fanout run of this user has pid \(pid) (fanout ps lists them).")
            }
            return (try address(of: entry), entry)
        }
        var info = stat()
        if stat(target, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFSOCK { return (.socket(path: target), runs.first { $0.control == target }) }
            let absolute = RunOptions.absolute(target)
            let resolved = (absolute as NSString).resolvingSymlinksInPath
            if let entry = runs.first(where: { $0.save == absolute || ($0.save as NSString).resolvingSymlinksInPath == resolved }) {
                return (try address(of: entry), entry)
            }
            throw ValidationError("no running fanout writes \(target) (fanout ps lists the runs and their save files).")
        }
        if let address = ControlAddress(target), address.isTCP {
            return (address, runs.first { $0.control.flatMap(ControlAddress.init) == address })
        }
        throw ValidationError("\(target) is not a pid, a socket, a save file of a running fanout, or HOST:PORT.")
    }

    private static func address(of entry: RunEntry) throws -> ControlAddress {
        guard let control = entry.control, let address = ControlAddress(control) else {
            throw ValidationError("the run with pid \(entry.pid) has no control endpoint (it was started with --control none).")
        }
        return address
    }

    /// The token for `address`: from `--control_token_env`, else from the variable the run's entry names.
    ///
    /// `entry` must come from `ControlDirectory.liveEntries`, which reads only entries that pass
    /// its checks: a planted entry never gets a variable's value sent anywhere.
    static func token(for address: ControlAddress, entry: RunEntry?, tokenEnv: String?, environment: [String: String]) throws -> BearerToken? {
        guard address.isTCP else { return nil }
        guard let variable = tokenEnv ?? entry?.tokenEnv else {
            throw ValidationError("\(address) is a TCP control endpoint: give --control_token_env VAR, where VAR holds the run's token.")
        }
        return try ControlOptions.token(in: variable, environment: environment, meaning: "the run's token")
    }
}
