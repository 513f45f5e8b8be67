//! ctid's benchmarks and load generators. Each benchmark is a binary that prints its figures
//! (`cargo run --release -p ctid-bench --bin <name> -- --help`); results are recorded in
//! `BENCHMARKS.md` with the command that reproduces them.

pub mod baseline;
pub mod bus;
pub mod child;
pub mod clients;
pub mod delivery;
pub mod kernel_recv;
pub mod server;
pub mod stats;
pub mod workload;
pub mod ws_baseline;
pub mod ws_client;
