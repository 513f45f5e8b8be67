//! The `ctid` binary: command-line parsing, logging, and dispatch to the subcommands.

mod asterisk_tools;
mod cli;
mod config;
mod http;
mod http_server;
mod import_export;
mod limits;
mod node_uuid;
mod reload;
mod serve;
mod sim_client;
mod startup_dataset;

use std::io::{IsTerminal, Read};

use anyhow::Context;
use clap::Parser;
use tracing_subscriber::EnvFilter;

use cli::{AdminKeyCommand, AmiCommand, Cli, Command, ConfigCommand, DatasetCommand};
use config::Config;

/// mimalloc rather than the system allocator: it hands freed memory back to the system (glibc's
/// malloc kept 1.6 GB resident after a queue flood had ended; `memory-load` in BENCHMARKS.md).
/// It is built without transparent huge pages (the crate's `no_thp` feature, as
/// `MIMALLOC_ALLOW_THP=0`): with them a server with 10,000 clients held 346 MiB rather than 270
/// (BENCHMARKS.md, *Allocator*). Other `MIMALLOC_*` options are read from the environment at
/// start. The cargo features pick another allocator to measure (`jemalloc`; none: the system's
/// malloc).
#[cfg(all(feature = "mimalloc", not(feature = "jemalloc")))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// jemalloc, with background threads that purge freed memory (`--features jemalloc`).
#[cfg(feature = "jemalloc")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match cli.command {
        Command::Serve(args) => {
            let config = Config::load(&args.config)?;
            runtime()?.block_on(serve::serve(config))
        }
        Command::Sim(command) => runtime()?.block_on(sim_client::run(command)),
        Command::Dataset(DatasetCommand::Demo) => {
            print!("{}", ctid_core::Dataset::demo_toml());
            Ok(())
        }
        Command::Dataset(DatasetCommand::Check { file }) => {
            let ds = ctid_core::Dataset::load(&file)?;
            println!("{}: {}: valid", file.display(), import_export::summary(&ds));
            Ok(())
        }
        Command::Import(args) => {
            let config = Config::load(&args.config)?;
            runtime()?.block_on(import_export::import(&config, args.file))
        }
        Command::Export(args) => {
            let config = Config::load(&args.config)?;
            runtime()?.block_on(import_export::export(&config, args.out.as_deref()))
        }
        Command::HashPassword => {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("cannot read the password on stdin")?;
            let password = password.trim_end_matches(['\r', '\n']);
            anyhow::ensure!(!password.is_empty(), "empty password");
            println!("{}", ctid_core::auth::hash_password(password));
            Ok(())
        }
        Command::AdminKey(AdminKeyCommand::Create) => {
            let new = ctid_admin::key::generate();
            println!("admin API key (give it to the API's clients; it is not stored anywhere):");
            println!("{}", new.key);
            println!();
            println!("the line for the configuration file (only the key's SHA-256 is kept):");
            println!("[admin]");
            println!("api_key_sha256 = \"{}\"", new.sha256);
            println!();
            println!(
                "or in the environment: CTID_ADMIN__API_KEY_SHA256={}",
                new.sha256
            );
            Ok(())
        }
        Command::Config(ConfigCommand::Show { config }) => {
            print!("{}", Config::load(&config)?.to_toml()?);
            Ok(())
        }
        Command::AsteriskConfig(args) => asterisk_tools::write_config(&args),
        Command::Ami(AmiCommand::Record {
            config,
            out,
            seconds,
        }) => {
            let config = Config::load(&config)?;
            runtime()?.block_on(asterisk_tools::record(&config, &out, seconds))
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}
