//! `ctid asterisk-config` (Asterisk's configuration for the dataset, written into a directory)
//! and `ctid ami record` (a live AMI session written as a capture file): the command-line side
//! of `ctid_pbx_ami::asterisk_config` and `ctid_pbx_ami::record`.

use std::io::BufWriter;
use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use ctid_core::Dataset;
use ctid_pbx_ami::asterisk_config::{self, Options};
use ctid_pbx_ami::record::{self, Ending};
use rand::RngExt;

use crate::cli::AsteriskConfigArgs;
use crate::config::Config;

/// The file in the output directory keeping the key phones' passwords are derived from.
const KEY_FILE: &str = "phone-secret-key";

/// Writes every file of Asterisk's configuration into `args.out`.
pub fn write_config(args: &AsteriskConfigArgs) -> anyhow::Result<()> {
    let config = Config::load(&args.config)?;
    let dataset = match &config.dataset.file {
        Some(path) => Dataset::load(path)?,
        None => Dataset::demo(),
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let key = match &args.phone_secret_key {
        Some(key) if !key.is_empty() => key.clone(),
        _ => phone_secret_key(&args.out)?,
    };
    let options = Options {
        phone_secret_key: key,
        outside_dial: args.outside_dial.clone(),
    };
    let files = asterisk_config::generate(&dataset, &config.pbx.asterisk, &options)?;
    for file in &files {
        let path = args.out.join(file.name);
        std::fs::write(&path, &file.text)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    restrict(&args.out.join("manager.conf"))?;
    restrict(&args.out.join("pjsip.conf"))?;
    restrict(&args.out.join("sip.conf"))?;
    println!(
        "{}: {} files for {} lines, {} queues, {} agents, {} voicemail boxes, {} rooms",
        args.out.display(),
        files.len(),
        dataset.lines().len(),
        dataset.queues().len(),
        dataset.agents().len(),
        dataset.voicemails().len(),
        dataset.rooms().len(),
    );
    Ok(())
}

/// The key kept in `dir`, or a new random one written there (readable by its owner only).
fn phone_secret_key(dir: &Path) -> anyhow::Result<String> {
    let path = dir.join(KEY_FILE);
    if let Ok(key) = std::fs::read_to_string(&path) {
        let key = key.trim();
        anyhow::ensure!(!key.is_empty(), "{} is empty", path.display());
        return Ok(key.to_owned());
    }
    let bytes: [u8; 16] = rand::rng().random();
    let key: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    std::fs::write(&path, format!("{key}\n"))
        .with_context(|| format!("cannot write {}", path.display()))?;
    restrict(&path)?;
    Ok(key)
}

/// Makes a file holding secrets readable by its owner only.
fn restrict(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("cannot restrict {}", path.display()))
}

/// Records the AMI session of `[pbx.asterisk]` into `out` until Ctrl-C or `seconds`.
pub async fn record(config: &Config, out: &Path, seconds: Option<f64>) -> anyhow::Result<()> {
    let limit = match seconds {
        Some(s) if s.is_finite() && s > 0.0 => Some(Duration::from_secs_f64(s)),
        Some(s) => anyhow::bail!("--seconds must be a positive number, not {s}"),
        None => None,
    };
    let file =
        std::fs::File::create(out).with_context(|| format!("cannot create {}", out.display()))?;
    let stop = async move {
        match limit {
            Some(limit) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    () = tokio::time::sleep(limit) => {}
                }
            }
            None => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    };
    let ami = &config.pbx.asterisk;
    eprintln!(
        "recording the AMI session of {} into {}",
        ami.address(),
        out.display()
    );
    let (report, ending, _) = record::record(ami, BufWriter::new(file), stop).await?;
    let why = match ending {
        Ending::Stopped => "stopped",
        Ending::Closed => "Asterisk closed the connection",
        Ending::Full => "the file reached its size limit",
    };
    println!(
        "{}: {} messages received, {} sent, {} bytes ({why})",
        out.display(),
        report.received,
        report.sent,
        report.bytes
    );
    Ok(())
}
