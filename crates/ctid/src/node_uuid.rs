//! The node's uuid (`xivo_uuid` on the CTI and XuC wire, `origin_uuid` on the bus): `[node]
//! uuid` when set, else the one kept in the data directory's `node-uuid` file, else a new
//! random (version 4) uuid written there on first start, so a node keeps its name across
//! restarts. A file rather than the store's database: a PostgreSQL store may be shared by
//! several nodes, each with its own uuid.

use std::path::{Path, PathBuf};

use anyhow::Context;
use rand::RngExt;
use serde::{Deserialize, Serialize};

/// The file in the data directory that keeps the node's uuid.
pub const NODE_UUID_FILE: &str = "node-uuid";

/// Longest uuid accepted (from the file or the configuration); real ones have 36 characters.
const MAX_UUID_LEN: usize = 64;

/// `[node]`: this server among others sharing a message bus.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NodeConfig {
    /// The node's uuid; default: generated on first start and kept in `[store] data_dir`.
    pub uuid: Option<String>,
}

/// Where the node's uuid came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UuidSource {
    /// `[node] uuid`.
    Config,
    /// The data directory's file, from an earlier start.
    Kept,
    /// Generated now and written to the data directory.
    Generated,
}

/// Resolves the node's uuid: the configured one, else the kept one, else a new one kept from now
/// on in `data_dir` (created when missing).
pub async fn resolve(config: &NodeConfig, data_dir: &Path) -> anyhow::Result<(String, UuidSource)> {
    if let Some(uuid) = &config.uuid {
        check(uuid).context("[node] uuid")?;
        return Ok((uuid.clone(), UuidSource::Config));
    }
    let path = data_dir.join(NODE_UUID_FILE);
    match tokio::fs::read_to_string(&path).await {
        Ok(text) => {
            let uuid = text.trim().to_owned();
            check(&uuid).with_context(|| format!("{} holds no usable uuid", path.display()))?;
            return Ok((uuid, UuidSource::Kept));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
    let uuid = new_v4();
    tokio::fs::create_dir_all(data_dir)
        .await
        .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    write_atomically(&path, &format!("{uuid}\n")).await?;
    Ok((uuid, UuidSource::Generated))
}

/// A uuid is non-empty, at most [`MAX_UUID_LEN`] bytes, printable and without spaces (it goes
/// into routing keys and CTI ids).
fn check(uuid: &str) -> anyhow::Result<()> {
    anyhow::ensure!(!uuid.is_empty(), "empty");
    anyhow::ensure!(
        uuid.len() <= MAX_UUID_LEN,
        "longer than {MAX_UUID_LEN} bytes"
    );
    anyhow::ensure!(
        uuid.chars().all(|c| c.is_ascii_graphic()),
        "not printable ASCII without spaces"
    );
    Ok(())
}

/// A random version 4 uuid, lower-case hyphenated.
fn new_v4() -> String {
    let mut bytes: [u8; 16] = rand::rng().random();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Writes `text` to `path` through a temporary file renamed over it, so a crash never leaves a
/// half-written uuid.
async fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut temporary = PathBuf::from(path);
    temporary.set_extension("tmp");
    tokio::fs::write(&temporary, text)
        .await
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    tokio::fs::rename(&temporary, path)
        .await
        .with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_generated_uuid_is_kept_for_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let none = NodeConfig::default();
        let (first, source) = resolve(&none, &data).await.unwrap();
        assert_eq!(source, UuidSource::Generated);
        assert_eq!(first.len(), 36);
        assert_eq!(&first[14..15], "4");
        let (second, source) = resolve(&none, &data).await.unwrap();
        assert_eq!(
            (second.as_str(), source),
            (first.as_str(), UuidSource::Kept)
        );
        let other = tempfile::tempdir().unwrap();
        let (third, _) = resolve(&none, other.path()).await.unwrap();
        assert_ne!(third, first, "another data directory is another node");
    }

    #[tokio::test]
    async fn the_configuration_wins_and_bad_values_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let configured = NodeConfig {
            uuid: Some("node-a".into()),
        };
        let (uuid, source) = resolve(&configured, dir.path()).await.unwrap();
        assert_eq!((uuid.as_str(), source), ("node-a", UuidSource::Config));
        assert!(!dir.path().join(NODE_UUID_FILE).exists());
        let spaced = NodeConfig {
            uuid: Some("a b".into()),
        };
        assert!(resolve(&spaced, dir.path()).await.is_err());
        std::fs::write(dir.path().join(NODE_UUID_FILE), "\n").unwrap();
        let err = resolve(&NodeConfig::default(), dir.path())
            .await
            .unwrap_err();
        assert!(format!("{err:#}").contains("no usable uuid"), "{err:#}");
    }
}
