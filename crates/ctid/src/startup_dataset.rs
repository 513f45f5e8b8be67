//! Where `ctid serve` takes its configuration from: the store. On the first start (a store with
//! no configuration) the store is filled, in one transaction, from `--dataset FILE` or else the
//! built-in demo dataset; every later start reads the store, and a `--dataset` file that
//! differs from it is ignored with a warning that points at `ctid import`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use ctid_core::Dataset;
use ctid_store::Store;

/// The configuration to start with, and where it came from (for the log).
pub async fn load_or_fill(store: &Store, file: Option<&Path>) -> anyhow::Result<(Dataset, String)> {
    if let Some(tables) = store
        .load_config()
        .await
        .context("cannot read the configuration from the store")?
    {
        let dataset = blocking(move || Dataset::from_tables(tables))
            .await?
            .context("the configuration in the store is invalid")?;
        if let Some(file) = file {
            warn_if_the_file_differs(&dataset, file.to_owned()).await?;
        }
        return Ok((dataset, "the store".to_owned()));
    }
    // Reading the file and hashing any clear-text passwords is blocking work.
    let path = file.map(Path::to_owned);
    let dataset = blocking(move || match path {
        Some(path) => Dataset::load(&path),
        None => Ok(Dataset::demo()),
    })
    .await??;
    let source = file.map_or("the built-in demo dataset".to_owned(), |p| {
        p.display().to_string()
    });
    if store
        .fill_config_if_empty(&dataset.to_tables())
        .await
        .context("cannot store the configuration")?
    {
        tracing::info!(from = %source, "first start: the store's configuration is filled");
        return Ok((dataset, source));
    }
    // Another server filled the store meanwhile: its configuration wins, as on a later start.
    Box::pin(load_or_fill(store, file)).await
}

/// Warns when `file` is not the stored configuration (or cannot be read): it is ignored.
async fn warn_if_the_file_differs(stored: &Dataset, file: PathBuf) -> anyhow::Result<()> {
    let current = stored.clone();
    let shown = file.display().to_string();
    // A clear password the stored hash verifies is the same password (argon2: blocking work).
    let loaded = blocking(move || current.reload(&file)).await?;
    let differs = match &loaded {
        Ok(next) => {
            let diff = stored.changes_to(next);
            !diff.changes.is_empty() || !diff.fixed.is_empty()
        }
        Err(_) => true,
    };
    if differs {
        tracing::warn!(
            file = %shown,
            reason = %loaded.err().map_or("it differs from the stored configuration".to_owned(), |e| e.to_string()),
            "the --dataset file is ignored: the configuration is the store's since the first start; \
             run `ctid import {shown}` (server stopped) to replace it, or send SIGHUP to apply the file live"
        );
    }
    Ok(())
}

async fn blocking<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> anyhow::Result<R> {
    tokio::task::spawn_blocking(f)
        .await
        .context("a blocking task failed")
}
