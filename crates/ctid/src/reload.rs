//! Reloading the dataset file while running (SIGHUP): the file is loaded and validated off the
//! core task, diffed against the core's current configuration into configuration changes, and
//! applied through the core's configuration input, all or nothing (the store's configuration
//! writer then stores them). An unreadable or invalid file, or changes the core refuses, change
//! nothing and are logged as errors.

use std::path::PathBuf;

use ctid_core::CoreHandle;

/// Reloads `file` into the running core; logs what changed or why nothing did.
pub async fn reload_dataset(core: &CoreHandle, file: Option<PathBuf>) {
    let Some(path) = file else {
        tracing::warn!(
            "SIGHUP: no dataset file configured (built-in demo dataset), nothing to reload"
        );
        return;
    };
    let current = core.dataset();
    let shown = path.display().to_string();
    let node = current.xivo_uuid().to_owned();
    let loaded = tokio::task::spawn_blocking(move || current.reload(&path)).await;
    let next = match loaded {
        // The node keeps its uuid ([`crate::node_uuid`]), whatever the file says.
        Ok(Ok(next)) => next.with_xivo_uuid(node),
        Ok(Err(e)) => {
            tracing::error!(file = %shown, error = %e, "dataset reload refused: the file is invalid, nothing changed");
            return;
        }
        Err(e) => {
            tracing::error!(error = %e, "dataset reload failed");
            return;
        }
    };
    let diff = core.dataset().changes_to(&next);
    if !diff.fixed.is_empty() {
        tracing::warn!(sections = ?diff.fixed, "dataset reload: these sections cannot change while running; `ctid import` the file and restart to take them");
    }
    let (added, updated, removed) = diff.counts();
    if diff.changes.is_empty() {
        tracing::info!(file = %shown, "dataset reloaded: no change");
        return;
    }
    let keys: Vec<String> = diff
        .changes
        .iter()
        .map(|c| format!("{} {}", c.kind().as_str(), c.key()))
        .collect();
    match core.apply_config(diff.changes).await {
        Ok(dataset) => tracing::info!(
            file = %shown,
            added,
            updated,
            removed,
            version = dataset.version(),
            changes = ?keys,
            "dataset reloaded"
        ),
        Err(e) => {
            tracing::error!(file = %shown, error = %e, "dataset reload refused, nothing changed")
        }
    }
}

/// Reloads the dataset on every SIGHUP until the process ends.
#[cfg(unix)]
pub async fn reload_on_sighup(core: CoreHandle, file: Option<PathBuf>) {
    use tokio::signal::unix::{SignalKind, signal};
    let mut hangups = match signal(SignalKind::hangup()) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "cannot watch SIGHUP: no dataset reload");
            return;
        }
    };
    while hangups.recv().await.is_some() {
        tracing::info!("SIGHUP received, reloading the dataset");
        reload_dataset(&core, file.clone()).await;
    }
}

/// No SIGHUP here: no reload.
#[cfg(not(unix))]
pub async fn reload_on_sighup(_core: CoreHandle, _file: Option<PathBuf>) {}
