//! The password checkers: a fixed pool of worker threads, each owning one argon2 memory block
//! (about 19 MiB with the default parameters) that it reuses for every check, fed by two
//! bounded queues — a fast lane for clean tries and an ordinary lane — with the fast lane served
//! first. Memory stays flat however many checks are asked: workers × one block.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

use crate::auth::{DUMMY_HASH, password_memory, verify_password_with_memory};

/// Which queue a check waits in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    /// Tries whose login and address have no recent failure: served first.
    Fast,
    /// Every other try.
    Ordinary,
}

struct Job {
    /// `None`: an unknown login (a dummy hash is checked, so timing does not tell).
    hash: Option<String>,
    password: String,
    reply: oneshot::Sender<bool>,
    /// The job's place in its lane's bounded queue, released when the check is done.
    _slot: OwnedSemaphorePermit,
}

#[derive(Default)]
struct Queues {
    fast: VecDeque<Job>,
    ordinary: VecDeque<Job>,
    closed: bool,
}

struct Inner {
    queues: Mutex<Queues>,
    ready: Condvar,
    fast_slots: Arc<Semaphore>,
    ordinary_slots: Arc<Semaphore>,
    checks: AtomicU64,
}

/// The pool of password-check workers. Dropping it stops the workers once their queues are
/// empty.
pub struct PasswordChecker {
    inner: Arc<Inner>,
    workers: usize,
}

impl std::fmt::Debug for PasswordChecker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordChecker")
            .field("workers", &self.workers)
            .field("checks", &self.checks())
            .finish()
    }
}

impl PasswordChecker {
    /// Starts `workers` threads (at least one), each with its memory block, and queues of
    /// `queue` checks per lane (at least one).
    pub fn start(workers: usize, queue: usize) -> std::io::Result<PasswordChecker> {
        let queue = queue.max(1);
        let inner = Arc::new(Inner {
            queues: Mutex::new(Queues::default()),
            ready: Condvar::new(),
            fast_slots: Arc::new(Semaphore::new(queue)),
            ordinary_slots: Arc::new(Semaphore::new(queue)),
            checks: AtomicU64::new(0),
        });
        let workers = workers.max(1);
        for i in 0..workers {
            let inner = inner.clone();
            std::thread::Builder::new()
                .name(format!("ctid-password-{i}"))
                .spawn(move || worker(&inner))?;
        }
        Ok(PasswordChecker { inner, workers })
    }

    /// Checks `password` against `hash` (`None`: an unknown login, always false after the same
    /// work). Waits for room in the lane's queue first; the queue is bounded, the wait is the
    /// caller's to bound (login deadline). A check whose caller went away before a worker took
    /// it is skipped.
    pub async fn check(&self, lane: Lane, hash: Option<String>, password: String) -> bool {
        let slots = match lane {
            Lane::Fast => &self.inner.fast_slots,
            Lane::Ordinary => &self.inner.ordinary_slots,
        };
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return false;
        };
        let (reply, answer) = oneshot::channel();
        let job = Job {
            hash,
            password,
            reply,
            _slot: slot,
        };
        {
            let mut q = self.inner.queues.lock().unwrap_or_else(|e| e.into_inner());
            match lane {
                Lane::Fast => q.fast.push_back(job),
                Lane::Ordinary => q.ordinary.push_back(job),
            }
        }
        self.inner.ready.notify_one();
        answer.await.unwrap_or(false)
    }

    /// Checks run so far (skipped ones not counted).
    pub fn checks(&self) -> u64 {
        self.inner.checks.load(Ordering::Relaxed)
    }

    /// The number of worker threads.
    pub fn workers(&self) -> usize {
        self.workers
    }
}

impl Drop for PasswordChecker {
    fn drop(&mut self) {
        self.inner
            .queues
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .closed = true;
        self.inner.ready.notify_all();
    }
}

fn worker(inner: &Inner) {
    let mut memory = password_memory();
    loop {
        let job = {
            let mut q = inner.queues.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if let Some(job) = q.fast.pop_front().or_else(|| q.ordinary.pop_front()) {
                    break job;
                }
                if q.closed {
                    return;
                }
                q = inner.ready.wait(q).unwrap_or_else(|e| e.into_inner());
            }
        };
        if job.reply.is_closed() {
            continue;
        }
        inner.checks.fetch_add(1, Ordering::Relaxed);
        let ok = match &job.hash {
            Some(hash) => verify_password_with_memory(hash, &job.password, &mut memory),
            None => {
                let _ = verify_password_with_memory(DUMMY_HASH, &job.password, &mut memory);
                false
            }
        };
        let _ = job.reply.send(ok);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::hash_password_cheap;

    #[tokio::test]
    async fn checks_in_either_lane_and_unknown_logins_never_match() {
        let checker = PasswordChecker::start(2, 4).unwrap();
        let h = hash_password_cheap("pw");
        assert!(
            checker
                .check(Lane::Fast, Some(h.clone()), "pw".into())
                .await
        );
        assert!(
            !checker
                .check(Lane::Ordinary, Some(h.clone()), "no".into())
                .await
        );
        assert!(!checker.check(Lane::Fast, None, "pw".into()).await);
        let many = (0..20).map(|i| {
            let lane = if i % 2 == 0 {
                Lane::Fast
            } else {
                Lane::Ordinary
            };
            checker.check(
                lane,
                Some(h.clone()),
                if i % 3 == 0 { "pw" } else { "x" }.into(),
            )
        });
        let results = futures::future::join_all(many).await;
        assert_eq!(results.iter().filter(|ok| **ok).count(), 7);
        assert_eq!(checker.checks(), 23);
    }
}
