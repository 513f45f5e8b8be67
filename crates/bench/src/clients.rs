//! Running many client jobs at once from the load generator's single thread: [`run_all`] starts
//! `job(1)`..`job(n)`, at most `concurrency` in flight, and keeps what succeeded (the first
//! failures are printed); [`lower_priority`] renices the generator so the server it measures
//! gets the CPU first.

use std::future::Future;
use std::pin::Pin;

use futures::StreamExt;
use futures::stream::FuturesUnordered;

/// Runs `job(i)` for i in 1..=n, `concurrency` at a time; returns the successes.
pub async fn run_all<T: 'static, F, Fut>(n: u32, concurrency: usize, job: F) -> Vec<T>
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = anyhow::Result<T>> + 'static,
{
    let mut done = Vec::with_capacity(n as usize);
    let mut failed = 0;
    let mut running: FuturesUnordered<Pin<Box<dyn Future<Output = anyhow::Result<T>>>>> =
        FuturesUnordered::new();
    let mut next = 1;
    while next <= n || !running.is_empty() {
        while next <= n && running.len() < concurrency {
            running.push(Box::pin(job(next)));
            next += 1;
        }
        match running.next().await {
            Some(Ok(value)) => done.push(value),
            Some(Err(e)) => {
                failed += 1;
                if failed <= 5 {
                    eprintln!("client failed: {e:#}");
                }
            }
            None => {}
        }
    }
    done
}

/// Renices the load generator so that the server gets the CPU first (0: unchanged).
pub fn lower_priority(nice: i32) -> anyhow::Result<()> {
    if nice == 0 {
        return Ok(());
    }
    let status = std::process::Command::new("renice")
        .args([
            "-n",
            &nice.to_string(),
            "-p",
            &std::process::id().to_string(),
        ])
        .stdout(std::process::Stdio::null())
        .status()?;
    if !status.success() {
        anyhow::bail!("renice failed");
    }
    println!("load generator niceness {nice}");
    Ok(())
}
