//! The core task: the one writer of the live state.
//!
//! It owns the [`State`], applies PBX event batches and client commands in arrival order, submits
//! the PBX actions commands produce, and publishes each resulting batch of domain events to the
//! [hub](crate::hub). Sessions talk to it only through a [`CoreHandle`]: commands get a reply,
//! reads run a closure against the state inside the task (no shared state, no locks).
//!
//! Ordering: a request (command, read, subscription) is served after every PBX batch that was
//! sent to the port before the request was sent, so a read after the adapter acknowledged
//! something shows it (end-to-end tests use this as their barrier).

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use crate::command::{Command, CommandError, Outcome};
use crate::dataset::Dataset;
use crate::hub::{BufferPolicy, EventHub, EventReceiver, Interest, every_event};
use crate::pbx::PbxPort;
use crate::state::State;
use crate::time::SharedClock;

/// Settings of the core task.
#[derive(Clone, Debug)]
pub struct CoreConfig {
    /// Bound of the request queue (commands and reads from sessions).
    pub inbox_capacity: usize,
    /// Ask the PBX to auto-answer the user's phone on click-to-dial.
    pub originate_auto_answer: bool,
}

impl Default for CoreConfig {
    fn default() -> Self {
        CoreConfig {
            inbox_capacity: 4096,
            originate_auto_answer: true,
        }
    }
}

/// The core task has stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the core has stopped")]
pub struct CoreStopped;

type ReadFn = Box<dyn FnOnce(&State) + Send>;

enum Request {
    Command(Command, oneshot::Sender<Result<Outcome, CommandError>>),
    Read(ReadFn),
    Subscribe(
        usize,
        BufferPolicy,
        Interest,
        oneshot::Sender<EventReceiver>,
    ),
}

/// A cheap, cloneable handle to the core task.
#[derive(Clone)]
pub struct CoreHandle {
    tx: mpsc::Sender<Request>,
    dataset: Arc<Dataset>,
    clock: SharedClock,
}

impl std::fmt::Debug for CoreHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CoreHandle").finish_non_exhaustive()
    }
}

impl CoreHandle {
    /// Runs a command and returns its outcome.
    pub async fn execute(&self, command: Command) -> Result<Outcome, CommandError> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Request::Command(command, tx))
            .await
            .map_err(|_| CommandError::ServiceUnavailable)?;
        rx.await.map_err(|_| CommandError::ServiceUnavailable)?
    }

    /// Runs `f` against the live state inside the core task and returns its result.
    pub async fn read<R: Send + 'static>(
        &self,
        f: impl FnOnce(&State) -> R + Send + 'static,
    ) -> Result<R, CoreStopped> {
        let (tx, rx) = oneshot::channel();
        let job: ReadFn = Box::new(move |state| {
            let _ = tx.send(f(state));
        });
        self.tx
            .send(Request::Read(job))
            .await
            .map_err(|_| CoreStopped)?;
        rx.await.map_err(|_| CoreStopped)
    }

    /// Subscribes to the core's domain events from now on, with a queue of `capacity` batches
    /// and what to do when it is full ([`BufferPolicy`]: with `Block` the core waits, so such a
    /// consumer must keep reading; with `DropNewest` it loses batches instead).
    pub async fn subscribe(
        &self,
        capacity: usize,
        policy: BufferPolicy,
    ) -> Result<EventReceiver, CoreStopped> {
        self.subscribe_to(capacity, policy, every_event).await
    }

    /// Like [`CoreHandle::subscribe`], for a consumer that wants only some events: batches
    /// holding none of them are not queued for it.
    pub async fn subscribe_to(
        &self,
        capacity: usize,
        policy: BufferPolicy,
        interest: Interest,
    ) -> Result<EventReceiver, CoreStopped> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Request::Subscribe(capacity, policy, interest, tx))
            .await
            .map_err(|_| CoreStopped)?;
        rx.await.map_err(|_| CoreStopped)
    }

    /// The configured world.
    pub fn dataset(&self) -> &Arc<Dataset> {
        &self.dataset
    }

    /// The clock the core runs on.
    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }
}

/// Starts the core task on the current tokio runtime.
pub fn spawn(
    dataset: Arc<Dataset>,
    clock: SharedClock,
    pbx: PbxPort,
    config: CoreConfig,
) -> CoreHandle {
    let (tx, rx) = mpsc::channel(config.inbox_capacity.max(1));
    let state = State::new(dataset.clone(), clock.now(), config.clone());
    let core = CoreTask {
        state,
        pbx,
        clock: clock.clone(),
        hub: EventHub::default(),
        inbox: rx,
    };
    tokio::spawn(core.run());
    CoreHandle { tx, dataset, clock }
}

struct CoreTask {
    state: State,
    pbx: PbxPort,
    clock: SharedClock,
    hub: EventHub,
    inbox: mpsc::Receiver<Request>,
}

impl CoreTask {
    async fn run(mut self) {
        let mut pbx_open = true;
        loop {
            tokio::select! {
                batch = self.pbx.events.recv(), if pbx_open => match batch {
                    Some(batch) => self.apply_pbx(batch).await,
                    None => {
                        tracing::warn!("the PBX adapter stopped; the core keeps serving its last known state");
                        pbx_open = false;
                    }
                },
                request = self.inbox.recv() => match request {
                    Some(request) => {
                        if pbx_open {
                            self.catch_up_pbx().await;
                        }
                        self.handle(request).await
                    }
                    None => break,
                },
            }
        }
        tracing::debug!("core task stopped");
    }

    /// Applies the PBX batches already waiting, before a request is served: a request then
    /// sees every batch the adapter sent before the request was sent (the select loop alone
    /// picks a ready branch at random, so a read could overtake an earlier batch). Bounded by
    /// what is queued now, so a busy PBX cannot starve requests.
    async fn catch_up_pbx(&mut self) {
        for _ in 0..self.pbx.events.len() {
            match self.pbx.events.try_recv() {
                Ok(batch) => self.apply_pbx(batch).await,
                Err(_) => break,
            }
        }
    }

    async fn apply_pbx(&mut self, batch: Vec<crate::pbx::PbxEvent>) {
        let now = self.clock.now();
        let mut out = Vec::new();
        self.state.apply_batch(now, &batch, &mut out);
        if !out.is_empty() {
            self.hub.publish(Arc::new(out)).await;
        }
    }

    async fn handle(&mut self, request: Request) {
        match request {
            Request::Command(command, reply) => {
                let now = self.clock.now();
                let mut actions = Vec::new();
                let mut out = Vec::new();
                let mut result = self.state.execute(now, command, &mut actions, &mut out);
                for action in actions {
                    if self.pbx.submit(action).is_err() {
                        result = Err(CommandError::ServiceUnavailable);
                        break;
                    }
                }
                let _ = reply.send(result);
                if !out.is_empty() {
                    self.hub.publish(Arc::new(out)).await;
                }
            }
            Request::Read(job) => job(&self.state),
            Request::Subscribe(capacity, policy, interest, reply) => {
                let _ = reply.send(self.hub.subscribe(capacity, policy, interest));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::LineId;
    use crate::pbx::{PbxEvent, pbx_link};
    use crate::time::ManualClock;

    /// A request sent after a PBX batch was handed to the port sees that batch applied: the
    /// ordering end-to-end tests (and clients acting on what they just saw) rely on.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_request_sees_every_batch_sent_before_it() {
        let clock = ManualClock::at_default_start();
        let (port, adapter) = pbx_link(1024);
        let core = spawn(
            Arc::new(Dataset::demo()),
            clock.shared(),
            port,
            CoreConfig::default(),
        );
        for i in 0..500 {
            let registered = i % 2 == 1;
            adapter
                .events
                .send(vec![PbxEvent::LineRegistration {
                    line: LineId(2),
                    registered,
                }])
                .await
                .expect("core running");
            let seen = core
                .read(|s| s.line_registered(LineId(2)))
                .await
                .expect("core running");
            assert_eq!(seen, Some(registered), "round {i}");
        }
    }
}
