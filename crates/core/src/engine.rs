//! The core task: the one writer of the live state.
//!
//! It owns the [`State`], applies PBX event batches and client commands in arrival order, submits
//! the PBX actions commands produce, and publishes each resulting batch of domain events to the
//! [hub](crate::hub). Sessions talk to it only through a [`CoreHandle`]: commands get a reply,
//! reads run a closure against the state inside the task (no shared state, no locks).
//!
//! Ordering: a request (command, configuration change, read, subscription) is served after
//! every PBX batch that was sent to the port before the request was sent, so a read after the
//! adapter acknowledged something shows it (end-to-end tests use this as their barrier).
//!
//! Configuration changes ([`CoreHandle::apply_config`]) are requests like commands: applied in
//! the order they arrive among PBX batches and commands. The task owns the current dataset and
//! publishes each new version to the handles ([`CoreHandle::dataset`]) before the events that
//! announce it, so a face reacting to an event reads that version or a later one.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot, watch};

use crate::command::{Command, CommandError, Outcome};
use crate::dataset::{ConfigChange, ConfigError, ConfigObject, Dataset, UserServices};
use crate::hub::{BufferPolicy, EventHub, EventReceiver, Interest, every_event};
use crate::ids::UserId;
use crate::live::ServiceChange;
use crate::pbx::PbxPort;
use crate::remote::RemoteInput;
use crate::seed::Seed;
use crate::state::State;
use crate::time::SharedClock;

/// Settings of the core task.
#[derive(Clone, Debug)]
pub struct CoreConfig {
    /// Bound of the request queue (commands and reads from sessions).
    pub inbox_capacity: usize,
    /// Ask the PBX to auto-answer the user's phone on click-to-dial.
    pub originate_auto_answer: bool,
    /// Whether chat messages to users of other nodes can leave (a message bus carries them);
    /// without it such a message is refused as to an unknown server.
    pub remote_chat: bool,
}

impl Default for CoreConfig {
    fn default() -> Self {
        CoreConfig {
            inbox_capacity: 4096,
            originate_auto_answer: true,
            remote_chat: false,
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
    Config(
        Vec<ConfigChange>,
        oneshot::Sender<Result<Arc<Dataset>, ConfigError>>,
    ),
    Remote(RemoteInput, oneshot::Sender<Result<(), CommandError>>),
    AdminServices(
        UserId,
        Vec<ServiceChange>,
        oneshot::Sender<Result<UserServices, CommandError>>,
    ),
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
    dataset: CurrentDataset,
    clock: SharedClock,
}

/// The current dataset, replaced whole by the core task and watched by the handles (readers
/// clone the `Arc` and keep a consistent version for as long as they hold it).
type CurrentDataset = watch::Receiver<Arc<Dataset>>;

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

    /// Hands the core what another node said through the bus ([`crate::remote`]), checked like
    /// a command and served in order with the other requests.
    pub async fn remote(&self, input: RemoteInput) -> Result<(), CommandError> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Request::Remote(input, tx))
            .await
            .map_err(|_| CommandError::ServiceUnavailable)?;
        rx.await.map_err(|_| CommandError::ServiceUnavailable)?
    }

    /// An administrator changes a user's services (the admin API): all of `changes` or none,
    /// under the rules a user's own change keeps (a known user, forwards to numbers of the
    /// numbering plan) but with no requester's rights to check. Clients get one
    /// `UserServices` event, the engine one `SetServices`. Returns the user's services after.
    pub async fn set_services_as_admin(
        &self,
        user: UserId,
        changes: Vec<ServiceChange>,
    ) -> Result<UserServices, CommandError> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Request::AdminServices(user, changes, tx))
            .await
            .map_err(|_| CommandError::ServiceUnavailable)?;
        rx.await.map_err(|_| CommandError::ServiceUnavailable)?
    }

    /// Applies configuration changes, in order, after the PBX batches and requests sent before
    /// them: all of them or (with the reason) none. Returns the new dataset, which
    /// [`CoreHandle::dataset`] returns from then on; the domain events
    /// ([`crate::Event::Config`]) and the engine's `ConfigChanged` action follow. Clear
    /// passwords of added or updated users are hashed here, off the core task.
    pub async fn apply_config(
        &self,
        mut changes: Vec<ConfigChange>,
    ) -> Result<Arc<Dataset>, ConfigError> {
        let clear: Vec<(usize, String)> = changes
            .iter_mut()
            .enumerate()
            .filter_map(|(i, c)| match c {
                ConfigChange::Added(ConfigObject::User(u))
                | ConfigChange::Updated(ConfigObject::User(u)) => u.password.take().map(|p| (i, p)),
                _ => None,
            })
            .collect();
        if !clear.is_empty() {
            let hashed = tokio::task::spawn_blocking(move || {
                clear
                    .into_iter()
                    .map(|(i, p)| (i, crate::auth::hash_password(&p)))
                    .collect::<Vec<_>>()
            })
            .await
            .map_err(|_| ConfigError::CoreStopped)?;
            for (i, hash) in hashed {
                if let ConfigChange::Added(ConfigObject::User(u))
                | ConfigChange::Updated(ConfigObject::User(u)) = &mut changes[i]
                {
                    u.password_hash = Some(hash);
                }
            }
        }
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Request::Config(changes, tx))
            .await
            .map_err(|_| ConfigError::CoreStopped)?;
        rx.await.map_err(|_| ConfigError::CoreStopped)?
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

    /// The configured world, as of the last configuration change applied.
    pub fn dataset(&self) -> Arc<Dataset> {
        self.dataset.borrow().clone()
    }

    /// A receiver that wakes on each new version of the configuration (for a session that
    /// must end when its user is removed, say); it starts with the current one seen.
    pub fn watch_dataset(&self) -> watch::Receiver<Arc<Dataset>> {
        let mut rx = self.dataset.clone();
        rx.mark_unchanged();
        rx
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
    spawn_seeded(dataset, clock, pbx, config, Seed::default())
}

/// Starts the core task with users' state kept by a store from the previous run: their services
/// (the PBX is told at once of those that differ from the dataset's, before any request) and the
/// presence each resumes on connecting.
pub fn spawn_seeded(
    dataset: Arc<Dataset>,
    clock: SharedClock,
    pbx: PbxPort,
    config: CoreConfig,
    seed: Seed,
) -> CoreHandle {
    let (tx, rx) = mpsc::channel(config.inbox_capacity.max(1));
    let mut state = State::new(dataset.clone(), clock.now(), config.clone());
    let mut actions = Vec::new();
    state.seed(seed, &mut actions);
    for action in actions {
        if pbx.submit(action).is_err() {
            tracing::warn!(
                "the PBX action queue is full: the engine misses a stored user's services until it resyncs"
            );
        }
    }
    let (publish, dataset) = watch::channel(dataset);
    let core = CoreTask {
        state,
        dataset: publish,
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
    dataset: watch::Sender<Arc<Dataset>>,
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

    /// Submits a request's PBX actions (a full queue turns the answer into
    /// `ServiceUnavailable`), answers it, then publishes its events.
    async fn answer<T>(
        &mut self,
        mut result: Result<T, CommandError>,
        actions: Vec<crate::pbx::PbxRequest>,
        out: Vec<crate::event::Event>,
        reply: oneshot::Sender<Result<T, CommandError>>,
    ) {
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

    async fn handle(&mut self, request: Request) {
        match request {
            Request::Command(command, reply) => {
                let now = self.clock.now();
                let mut actions = Vec::new();
                let mut out = Vec::new();
                let result = self.state.execute(now, command, &mut actions, &mut out);
                self.answer(result, actions, out, reply).await;
            }
            Request::Remote(input, reply) => {
                let now = self.clock.now();
                let mut actions = Vec::new();
                let mut out = Vec::new();
                let result = self.state.apply_remote(now, input, &mut actions, &mut out);
                self.answer(result, actions, out, reply).await;
            }
            Request::AdminServices(user, changes, reply) => {
                let now = self.clock.now();
                let mut actions = Vec::new();
                let mut out = Vec::new();
                let result =
                    self.state
                        .set_services_as_admin(now, user, &changes, &mut actions, &mut out);
                self.answer(result, actions, out, reply).await;
            }
            Request::Config(changes, reply) => {
                let now = self.clock.now();
                let count = changes.len();
                let mut actions = Vec::new();
                let mut out = Vec::new();
                let result = self
                    .state
                    .apply_config(now, changes, &mut actions, &mut out)
                    .map(|()| self.state.dataset().clone());
                match &result {
                    Ok(dataset) => {
                        self.dataset.send_replace(dataset.clone());
                        tracing::info!(
                            changes = count,
                            version = dataset.version(),
                            "configuration changed"
                        );
                    }
                    Err(e) => tracing::warn!(error = %e, "configuration change refused"),
                }
                for action in actions {
                    if self.pbx.submit(action).is_err() {
                        tracing::warn!(
                            "the PBX action queue is full: the engine misses a configuration change until it resyncs"
                        );
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

    /// A configuration change is applied in order with the requests around it: the handle's
    /// dataset is the new one before the events announcing it are published, a refused change
    /// publishes nothing and leaves the dataset as it was.
    #[tokio::test]
    async fn a_configuration_change_is_published_with_its_dataset() {
        use crate::dataset::{ConfigChange, ConfigError, ConfigKey, ConfigObject};
        use crate::ids::UserId;
        let clock = ManualClock::at_default_start();
        let (port, mut adapter) = pbx_link(16);
        let core = spawn(
            Arc::new(Dataset::demo()),
            clock.shared(),
            port,
            CoreConfig::default(),
        );
        let mut events = core
            .subscribe(16, BufferPolicy::Block)
            .await
            .expect("core running");
        let user =
            toml::from_str("id = 9\nlogin = \"zoe\"\nfirstname = \"Zoe\"\npassword = \"pw\"\n")
                .expect("user");
        let added = core
            .apply_config(vec![ConfigChange::Added(ConfigObject::User(user))])
            .await
            .expect("valid change");
        assert_eq!(added.version(), 1);
        assert!(Arc::ptr_eq(&added, &core.dataset()));
        let zoe = core.dataset().user(UserId(9)).cloned().expect("zoe");
        assert!(zoe.password.is_none());
        assert!(crate::auth::verify_password(
            zoe.password_hash.as_deref().unwrap(),
            "pw"
        ));
        let batch = events.recv().await.expect("events");
        match batch.as_slice() {
            [crate::Event::Config { key, dataset, .. }] => {
                assert_eq!(*key, ConfigKey::User(UserId(9)));
                assert!(Arc::ptr_eq(&dataset.0, &added));
            }
            other => panic!("unexpected events {other:?}"),
        }
        let request = adapter.actions.recv().await.expect("the engine is told");
        assert!(matches!(
            request.action,
            crate::pbx::PbxAction::ConfigChanged { .. }
        ));
        let refused = core
            .apply_config(vec![ConfigChange::Removed(ConfigKey::User(UserId(42)))])
            .await;
        assert_eq!(
            refused.err(),
            Some(ConfigError::Unknown(ConfigKey::User(UserId(42))))
        );
        assert!(Arc::ptr_eq(&added, &core.dataset()));
        // Nothing was published for the refusal: the next batch is the next change's.
        core.apply_config(vec![ConfigChange::Removed(ConfigKey::User(UserId(9)))])
            .await
            .expect("valid change");
        let batch = events.recv().await.expect("events");
        assert!(matches!(
            batch.as_slice(),
            [crate::Event::Config {
                key: ConfigKey::User(UserId(9)),
                ..
            }]
        ));
        assert!(core.dataset().user(UserId(9)).is_none());
    }

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
