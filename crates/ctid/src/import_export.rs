//! `ctid import FILE` and `ctid export [--out FILE]`: whole configurations into and out of the
//! store (`[store]`, `--data-dir`, `--database-url`, as `ctid serve` finds it). An import is
//! validated as `ctid dataset check` validates a file and replaces the stored configuration in
//! one transaction, or changes nothing; an export writes the TOML dataset format an import
//! takes back.

use std::path::{Path, PathBuf};

use anyhow::Context;
use ctid_core::Dataset;
use ctid_store::Store;

use crate::config::Config;

/// What `ctid dataset check` and `ctid import` say of a valid dataset.
pub fn summary(dataset: &Dataset) -> String {
    format!(
        "{} users, {} lines, {} agents, {} queues, {} voicemail boxes, {} rooms, {} profiles",
        dataset.users().len(),
        dataset.lines().len(),
        dataset.agents().len(),
        dataset.queues().len(),
        dataset.voicemails().len(),
        dataset.rooms().len(),
        dataset.profiles().len()
    )
}

/// `ctid import FILE`.
pub async fn import(config: &Config, file: PathBuf) -> anyhow::Result<()> {
    let shown = file.display().to_string();
    // Parsing, validating and hashing clear passwords is blocking work.
    let dataset = tokio::task::spawn_blocking(move || Dataset::load(&file))
        .await?
        .with_context(|| format!("{shown}: not imported, the store is unchanged"))?;
    let store = open(config).await?;
    let result = store
        .replace_config(&dataset.to_tables())
        .await
        .with_context(|| format!("{shown}: not imported, the store is unchanged"));
    store.close().await;
    result?;
    println!(
        "{shown}: {} imported into the store ({}); a running ctid takes it when restarted",
        summary(&dataset),
        crate::serve::describe(&config.store.location())
    );
    Ok(())
}

/// `ctid export [--out FILE]`.
pub async fn export(config: &Config, out: Option<&Path>) -> anyhow::Result<()> {
    let store = open(config).await?;
    let stored = store.load_config().await;
    store.close().await;
    let tables = stored
        .context("cannot read the configuration from the store")?
        .context(
            "the store holds no configuration yet: `ctid serve` fills it on its first start \
             (from --dataset or the demo dataset), `ctid import FILE` replaces it",
        )?;
    let dataset =
        Dataset::from_tables(tables).context("the configuration in the store is invalid")?;
    let text = toml::to_string(&dataset).context("cannot write the configuration as TOML")?;
    match out {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(())
}

async fn open(config: &Config) -> anyhow::Result<Store> {
    let location = config.store.location();
    Store::open(&location).await.with_context(|| {
        format!(
            "cannot open the store ({})",
            crate::serve::describe(&location)
        )
    })
}
