//! The command line: `ctid serve`, `ctid sim ...` (drive the embedded PBX of a running ctid),
//! `ctid dataset demo|check`, `ctid import`, `ctid export`, `ctid hash-password`,
//! `ctid admin-key create`, `ctid config show`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// ctid — a CTI server for the XiVO/Wazo ecosystem: it watches a PBX and lets people and programs
/// see and drive calls over the CTI protocol of xivo-ctid (TCP 5003, STARTTLS).
///
/// Configuration comes from, in increasing priority: built-in defaults, the TOML file given with
/// `--config`, environment variables `CTID_<SECTION>__<KEY>` (e.g. `CTID_CTI__LISTEN=0.0.0.0:5003`,
/// `CTID_PBX__EMBEDDED__RING_TIMEOUT=30`), and the command-line flags. `ctid config show` prints the
/// result. Logs go to stderr; `RUST_LOG` filters them (default `info`).
#[derive(Parser, Debug)]
#[command(name = "ctid", version, about, long_about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the server: the embedded PBX with the dataset (the demo dataset by default), the CTI
    /// listener and the HTTP listener (sim API).
    Serve(ServeArgs),
    /// Drive the embedded PBX of a running ctid over its HTTP sim API (outside callers, phones).
    #[command(subcommand)]
    Sim(SimCommand),
    /// Dataset helpers.
    #[command(subcommand)]
    Dataset(DatasetCommand),
    /// Replace the store's whole configuration with a dataset file, validated as `ctid dataset
    /// check` does, all or nothing (stop the server first; it reads the store when it starts).
    Import(ImportArgs),
    /// Print the store's configuration as a dataset file (TOML), or write it to `--out`.
    Export(ExportArgs),
    /// Read a password on stdin and print its argon2 hash, for `password_hash` in a dataset.
    HashPassword,
    /// Admin API keys.
    #[command(subcommand)]
    AdminKey(AdminKeyCommand),
    /// Configuration helpers.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Write Asterisk's configuration for the dataset (pjsip.conf, sip.conf, extensions.conf,
    /// queues.conf, agents.conf, voicemail.conf, confbridge.conf, manager.conf) into a directory.
    AsteriskConfig(AsteriskConfigArgs),
    /// Asterisk Manager Interface tools.
    #[command(subcommand)]
    Ami(AmiCommand),
}

/// `ctid asterisk-config`.
#[derive(Args, Debug)]
pub struct AsteriskConfigArgs {
    /// Configuration sources (the dataset, `[pbx.asterisk]` for manager.conf).
    #[command(flatten)]
    pub config: ConfigArgs,
    /// The directory to write the files into (created when missing; files there are replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The key the phones' SIP passwords are derived from [default: the `phone-secret-key`
    /// file in DIR, created with a random key the first time].
    #[arg(
        long,
        value_name = "KEY",
        env = "CTID_PHONE_SECRET_KEY",
        hide_env_values = true
    )]
    pub phone_secret_key: Option<String>,
    /// How outside numbers are dialled, `{number}` being the number.
    #[arg(long, value_name = "DIAL", default_value = "PJSIP/{number}@trunk")]
    pub outside_dial: String,
}

/// `ctid ami ...`.
#[derive(Subcommand, Debug)]
pub enum AmiCommand {
    /// Record the AMI session with the Asterisk of `[pbx.asterisk]` into a capture file (the
    /// format `ctid serve --replay` plays), until Ctrl-C or `--seconds`.
    Record {
        /// Configuration sources (`[pbx.asterisk]`: host, port, username, secret, auth).
        #[command(flatten)]
        config: ConfigArgs,
        /// The capture file to write (replaced if it exists).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Stop after this many seconds.
        #[arg(long, value_name = "N")]
        seconds: Option<f64>,
    },
}

/// `ctid admin-key ...`.
#[derive(Subcommand, Debug)]
pub enum AdminKeyCommand {
    /// Print a new random admin API key (256 bits) and the `[admin] api_key_sha256` line that
    /// admits it (the server keeps only the key's SHA-256).
    Create,
}

/// Where the configuration comes from; shared by `serve` and `config show`.
#[derive(Args, Debug, Clone, Default)]
pub struct ConfigArgs {
    /// TOML configuration file.
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// HTTP listener (sim API, later the XuC API) [default: 0.0.0.0:8090].
    #[arg(long, value_name = "ADDR")]
    pub http_listen: Option<SocketAddr>,
    /// CTI protocol listener [default: 0.0.0.0:5003].
    #[arg(long, value_name = "ADDR")]
    pub cti_listen: Option<SocketAddr>,
    /// Dataset file (users, lines, agents, queues...) that fills the store on the first start
    /// [default: the built-in demo dataset]; later starts take the store's configuration
    /// (`ctid import` replaces it) and SIGHUP applies the file live.
    #[arg(long, value_name = "FILE")]
    pub dataset: Option<PathBuf>,
    /// Directory of the SQLite store (services, presence, call log...), created when missing
    /// [default: ./ctid-data].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// A PostgreSQL database to store into instead of SQLite (postgres://user@host:5432/db).
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Message bus broker, `amqp://user:password@host:port/vhost` [default: no bus].
    #[arg(long, value_name = "URL")]
    pub bus_url: Option<String>,
    /// Play a recorded AMI session (a capture file) as the switch, instead of the configured
    /// engine: a field problem reproduced on a laptop.
    #[arg(long, value_name = "FILE")]
    pub replay: Option<PathBuf>,
    /// With `--replay`: `max` (as fast as the core takes it) or a factor of real time
    /// [default: 1].
    #[arg(long, value_name = "N|max")]
    pub speed: Option<String>,
}

/// `ctid serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Configuration sources.
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// `ctid import`.
#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The dataset file.
    pub file: PathBuf,
    /// Configuration sources (the store: `--data-dir`, `--database-url`, `[store]`).
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// `ctid export`.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Write the dataset to this file rather than to standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Configuration sources (the store: `--data-dir`, `--database-url`, `[store]`).
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// `ctid sim ...`.
#[derive(Subcommand, Debug)]
pub enum SimCommand {
    /// An outside caller dials a line, a queue or a conference room.
    Call {
        /// The caller's number.
        #[arg(long)]
        from: String,
        /// The number dialled (a line, queue or room).
        #[arg(long)]
        to: String,
        /// The caller's name.
        #[arg(long)]
        name: Option<String>,
        /// The running ctid's HTTP address.
        #[arg(long, default_value = "http://127.0.0.1:8090", env = "CTID_URL")]
        server: String,
    },
    /// List the live calls.
    Calls {
        /// The running ctid's HTTP address.
        #[arg(long, default_value = "http://127.0.0.1:8090", env = "CTID_URL")]
        server: String,
    },
    /// The outside caller of a call hangs up.
    Hangup {
        /// The call id (from `sim call` or `sim calls`).
        call_id: String,
        /// The running ctid's HTTP address.
        #[arg(long, default_value = "http://127.0.0.1:8090", env = "CTID_URL")]
        server: String,
    },
    /// Press a button on a phone: answer, hangup, hold, resume, register, unregister, dial.
    Line {
        /// The line's number.
        number: String,
        /// answer | hangup | hold | resume | register | unregister | dial
        action: String,
        /// With `dial`: the number to call.
        #[arg(long)]
        to: Option<String>,
        /// The running ctid's HTTP address.
        #[arg(long, default_value = "http://127.0.0.1:8090", env = "CTID_URL")]
        server: String,
    },
    /// Generate live traffic: outside callers dialling a number at a steady rate.
    Traffic(TrafficArgs),
}

/// `ctid sim traffic`.
#[derive(Args, Debug, Clone)]
pub struct TrafficArgs {
    /// New calls per second (may be fractional, e.g. 0.2 = one every 5 s).
    #[arg(long, default_value_t = 1.0)]
    pub rate: f64,
    /// How long to generate calls, e.g. `60`, `90s`, `5m`.
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    pub duration: std::time::Duration,
    /// The number dialled (a line, queue or room).
    #[arg(long)]
    pub to: String,
    /// Each caller hangs up this long after dialling, e.g. `30s`.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub talk: std::time::Duration,
    /// Answer phones rung by these calls after this delay (simulates agents picking up), e.g. `3s`.
    #[arg(long, value_parser = parse_duration)]
    pub answer_after: Option<std::time::Duration>,
    /// The running ctid's HTTP address.
    #[arg(long, default_value = "http://127.0.0.1:8090", env = "CTID_URL")]
    pub server: String,
}

/// `ctid dataset ...`.
#[derive(Subcommand, Debug)]
pub enum DatasetCommand {
    /// Print the built-in demo dataset (a starting point for your own).
    Demo,
    /// Load and validate a dataset file.
    Check {
        /// The file.
        file: PathBuf,
    },
}

/// `ctid config ...`.
#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Print the effective configuration (defaults, file, environment and flags merged) as TOML.
    Show {
        /// Configuration sources.
        #[command(flatten)]
        config: ConfigArgs,
    },
}

/// Parses `90`, `90s`, `1500ms`, `5m`, `1h`.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    let (number, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(text.len()),
    );
    let value: f64 = number
        .parse()
        .map_err(|_| format!("invalid duration {text:?}"))?;
    let secs = match unit {
        "" | "s" => value,
        "ms" => value / 1000.0,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => {
            return Err(format!(
                "invalid duration unit in {text:?} (use ms, s, m or h)"
            ));
        }
    };
    if !secs.is_finite() || secs < 0.0 {
        return Err(format!("invalid duration {text:?}"));
    }
    Ok(std::time::Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn parses_durations() {
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1500ms"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("0.5s"), Ok(Duration::from_millis(500)));
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn the_cli_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
