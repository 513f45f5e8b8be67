//! Process-wide limits: raising the soft file-descriptor limit to the hard one at start, and
//! sizing the connection budget every listener draws from (`[limits]`).

use ctid_core::budget::ConnectionBudget;
use nix::sys::resource::{Resource, getrlimit, setrlimit};
use serde::{Deserialize, Serialize};

/// File descriptors kept out of the connection budget for everything else (dataset and TLS
/// files, logs, the runtime, outgoing connections).
pub const FD_RESERVE: u64 = 128;

/// `[limits]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    /// Connections of all listeners together; 0 (the default): the file-descriptor limit minus
    /// a reserve of 128.
    pub max_connections: usize,
    /// Connections each listener keeps for itself within that budget, so that no listener can
    /// starve another (default 64).
    pub reserved_per_listener: usize,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            max_connections: 0,
            reserved_per_listener: 64,
        }
    }
}

/// Raises the soft limit on open files to the hard limit; returns the soft limit in force.
pub fn raise_fd_limit() -> u64 {
    match getrlimit(Resource::RLIMIT_NOFILE) {
        Ok((soft, hard)) if soft < hard => match setrlimit(Resource::RLIMIT_NOFILE, hard, hard) {
            Ok(()) => {
                tracing::info!(from = soft, to = hard, "open-file limit raised");
                hard
            }
            Err(e) => {
                tracing::warn!(soft, hard, error = %e, "cannot raise the open-file limit");
                soft
            }
        },
        Ok((soft, _)) => soft,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the open-file limit");
            1024
        }
    }
}

/// The connection budget for a process allowed `fd_limit` open files.
pub fn budget(config: &LimitsConfig, fd_limit: u64) -> ConnectionBudget {
    let from_fds =
        usize::try_from(fd_limit.saturating_sub(FD_RESERVE).max(16)).unwrap_or(usize::MAX);
    let total = match config.max_connections {
        0 => from_fds,
        n => n.min(from_fds),
    };
    tracing::info!(max_connections = total, "connection budget");
    ConnectionBudget::new(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_soft_limit_is_raised_to_the_hard_one() {
        let soft = raise_fd_limit();
        let (now_soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).unwrap();
        assert_eq!((soft, now_soft), (hard, hard));
    }

    #[test]
    fn the_budget_fits_in_the_descriptors() {
        let auto = budget(&LimitsConfig::default(), 1024);
        assert_eq!(auto.shared_free(), 1024 - 128);
        let set = LimitsConfig {
            max_connections: 100,
            ..Default::default()
        };
        assert_eq!(budget(&set, 1_000_000).shared_free(), 100);
        assert_eq!(budget(&set, 200).shared_free(), 72);
    }
}
