//! Timing one push fanned out to many clients, as the load benchmarks do: each client's watcher
//! reports the pushes it sees as [`Seen`] (what it is, when the client read it, when its TCP
//! stack received it); [`Deliveries`] collects the delays of one change's pushes to every
//! client, and [`Figures`] are what a run prints and compares with its baseline.

use std::time::{Duration, Instant, SystemTime};

use anyhow::bail;
use tokio::sync::mpsc;

use crate::stats::{percentile, summary};

/// A push seen by a client: which push (`K`: a line and its hint, an agent and its state...),
/// when the client application read it, and when the client host's TCP stack received it
/// (kernel timestamp, `SO_TIMESTAMPNS`).
pub type Seen<K> = (K, Instant, Option<SystemTime>);

/// The delays recorded over a run's changes.
#[derive(Debug, Default)]
pub struct Deliveries {
    read: Vec<Duration>,
    kernel: Vec<Duration>,
    incomplete: u32,
}

/// What one server did in the measured rounds.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    /// p99 delay to the client application.
    pub read_p99: Duration,
    /// p99 delay to the client's TCP stack.
    pub kernel_p99: Duration,
    /// Server CPU time per delivered push, in µs.
    pub cpu_per_push_us: f64,
}

impl Deliveries {
    /// Waits until `clients` pushes `want`, caused at `t0` (`t0_wall` on the wall clock), have
    /// been seen or `deadline` passes, recording their delays; returns how many were seen.
    /// Other pushes are skipped.
    pub async fn wait_round<K: PartialEq>(
        &mut self,
        seen_rx: &mut mpsc::UnboundedReceiver<Seen<K>>,
        want: &K,
        clients: u32,
        (t0, t0_wall): (Instant, SystemTime),
        deadline: tokio::time::Instant,
    ) -> u32 {
        let mut got = 0;
        while got < clients {
            match tokio::time::timeout_at(deadline, seen_rx.recv()).await {
                Ok(Some((key, at, kernel_at))) if key == *want => {
                    got += 1;
                    self.read.push(at.duration_since(t0));
                    if let Some(k) = kernel_at.and_then(|k| k.duration_since(t0_wall).ok()) {
                        self.kernel.push(k);
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        if got < clients {
            self.incomplete += 1;
        }
        got
    }

    /// Prints the run's figures (`what` names the push) and returns them; `cpu` is the server's
    /// CPU time over the run.
    pub fn report(
        mut self,
        name: &str,
        what: &str,
        clients: u32,
        changes: u32,
        cpu: f64,
    ) -> anyhow::Result<Figures> {
        if self.read.is_empty() {
            bail!("{name}: no push was delivered");
        }
        let cpu_per_push_us = cpu * 1e6 / self.read.len() as f64;
        println!(
            "{name}: {what} to {clients} clients, {changes} changes, {} deliveries{}; server CPU {cpu:.2} s, {cpu_per_push_us:.2} µs per delivered push",
            self.read.len(),
            if self.incomplete > 0 {
                format!(" ({} incomplete changes)", self.incomplete)
            } else {
                String::new()
            }
        );
        println!(
            "  received by the clients' TCP stack (kernel timestamp): {}",
            summary(&mut self.kernel)
        );
        println!(
            "  read by the client applications:                      {}",
            summary(&mut self.read)
        );
        Ok(Figures {
            read_p99: percentile(&self.read, 0.99),
            kernel_p99: percentile(&self.kernel, 0.99),
            cpu_per_push_us,
        })
    }
}

impl Figures {
    /// `p99 delivery (read) …x, p99 delivery (kernel) …x, CPU per delivered push …x` of these
    /// figures against `baseline`'s.
    pub fn ratios_to(&self, baseline: &Figures) -> String {
        format!(
            "p99 delivery (read) {:.2}x, p99 delivery (kernel) {:.2}x, CPU per delivered push {:.2}x",
            ratio(self.read_p99.as_secs_f64(), baseline.read_p99.as_secs_f64()),
            ratio(
                self.kernel_p99.as_secs_f64(),
                baseline.kernel_p99.as_secs_f64()
            ),
            ratio(self.cpu_per_push_us, baseline.cpu_per_push_us),
        )
    }
}

/// `a / b`, with `b` kept away from zero.
pub fn ratio(a: f64, b: f64) -> f64 {
    a / b.max(1e-9)
}
