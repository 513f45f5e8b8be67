//! The `ctid serve` child process the load benchmarks measure: started with the benchmark's own
//! arguments and environment on two loopback ports, waited for (`/health`), stopped with
//! SIGTERM, killed if the benchmark ends early.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};

/// The ctid binary to run: `given`, else `ctid` next to the running benchmark executable.
pub fn ctid_binary(given: Option<&Path>) -> anyhow::Result<PathBuf> {
    let ctid = match given {
        Some(p) => p.to_path_buf(),
        None => std::env::current_exe()?.with_file_name("ctid"),
    };
    if !ctid.is_file() {
        bail!(
            "{} not found: build it first (`cargo build --release -p ctid`) or pass --ctid",
            ctid.display()
        );
    }
    Ok(ctid)
}

/// A running `ctid serve`.
#[derive(Debug)]
pub struct Server {
    child: Child,
    data_dir: PathBuf,
}

impl Server {
    /// Starts `ctid serve <args> --cti-listen 127.0.0.1:<cti_port> --http-listen
    /// 127.0.0.1:<http_port>` with `env` added to this process's environment (which it
    /// inherits, `MIMALLOC_*` included) and `RUST_LOG` defaulting to `warn`.
    pub fn start<A: AsRef<OsStr>>(
        ctid: &Path,
        args: &[A],
        env: &[(&str, &str)],
        cti_port: u16,
        http_port: u16,
    ) -> anyhow::Result<Server> {
        let data_dir =
            std::env::temp_dir().join(format!("ctid-bench-{}-{cti_port}-data", std::process::id()));
        let _ = std::fs::remove_dir_all(&data_dir);
        let child = Command::new(ctid)
            .arg("serve")
            .args(args)
            .arg("--data-dir")
            .arg(&data_dir)
            .arg("--cti-listen")
            .arg(format!("127.0.0.1:{cti_port}"))
            .arg("--http-listen")
            .arg(format!("127.0.0.1:{http_port}"))
            .env(
                "RUST_LOG",
                std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {}", ctid.display()))?;
        Ok(Server { child, data_dir })
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until `<base>/health` answers (10 s at most), failing if the server exits first.
    pub async fn wait_ready(&mut self, http: &reqwest::Client, base: &str) -> anyhow::Result<()> {
        for _ in 0..200 {
            if let Some(status) = self.child.try_wait()? {
                bail!("ctid exited early: {status}");
            }
            if http
                .get(format!("{base}/health"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!("ctid did not become ready in 10 s")
    }

    /// Stops the server with SIGTERM (its graceful shutdown) and waits for it.
    pub fn stop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}
