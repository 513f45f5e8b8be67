//! The lab: a recording replayed batch by batch into the real core, on a manual clock, with
//! the core's domain events collected between steps.

use std::path::PathBuf;
use std::sync::Arc;

use ctid_core::pbx::{PbxEvent, PbxRequest};
use ctid_core::{
    BufferPolicy, CoreConfig, CoreHandle, Dataset, Event, EventReceiver, ManualClock, State,
    pbx_link,
};
use ctid_pbx_ami::capture::Capture;
use ctid_pbx_ami::replay::ReplayCursor;
use tokio::sync::mpsc;

/// The channel driver of a recording: the lab's lines are chan_sip peers or pjsip endpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Driver {
    /// chan_sip (`SIP/1001`).
    Sip,
    /// chan_pjsip (`PJSIP/1001`).
    Pjsip,
}

/// The path of a test data file.
pub fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The lab's dataset for a driver.
pub fn dataset(driver: Driver) -> Arc<Dataset> {
    let lab = Dataset::load(&data("lab.toml")).expect("tests/data/lab.toml loads");
    if driver == Driver::Sip {
        return Arc::new(lab);
    }
    let mut tables = lab.into_tables();
    for line in &mut tables.lines {
        line.protocol = "pjsip".to_owned();
    }
    Arc::new(Dataset::from_tables(tables).expect("the pjsip lab is valid"))
}

/// A recording being replayed into a running core.
pub struct Lab {
    /// The core.
    pub core: CoreHandle,
    /// Its clock: the recording's time since connecting, from the default start.
    pub clock: ManualClock,
    events: mpsc::Sender<Vec<PbxEvent>>,
    /// Actions of the core (none expected: the lab sends no command).
    _actions: mpsc::Receiver<PbxRequest>,
    cursor: ReplayCursor,
    phases: Vec<String>,
    receiver: EventReceiver,
    /// Every PbxEvent sent so far.
    pub sent: Vec<PbxEvent>,
}

impl Lab {
    /// Starts a core on the lab's dataset and opens the recording `capture` (a file of
    /// tests/data/captures/); nothing is played yet.
    pub async fn start(capture: &str, driver: Driver) -> Lab {
        let dataset = dataset(driver);
        let capture = Capture::read(&data(&format!("captures/{capture}"))).expect("capture reads");
        let phases = capture.phases.iter().map(|p| p.name.clone()).collect();
        let clock = ManualClock::at_default_start();
        let (port, adapter) = pbx_link(64);
        let core = ctid_core::spawn(dataset.clone(), clock.shared(), port, CoreConfig::default());
        let receiver = core
            .subscribe(100_000, BufferPolicy::Block)
            .await
            .expect("core running");
        Lab {
            core,
            clock,
            events: adapter.events,
            _actions: adapter.actions,
            cursor: ReplayCursor::new(capture, dataset),
            phases,
            receiver,
            sent: Vec::new(),
        }
    }

    fn phase_index(&self, phase: &str) -> usize {
        self.phases
            .iter()
            .position(|p| p == phase)
            .map_or(0, |i| i + 1)
    }

    /// Plays every batch up to the end of `phase` and returns the domain events emitted.
    pub async fn play_phase(&mut self, phase: &str) -> Vec<Event> {
        self.play_to(phase, f64::INFINITY).await
    }

    /// Plays every batch received before `seconds` (recording time) in `phase` and the phases
    /// before it; returns the domain events emitted meanwhile.
    pub async fn play_to(&mut self, phase: &str, seconds: f64) -> Vec<Event> {
        assert!(
            self.phases.iter().any(|p| p == phase),
            "no phase {phase} in {:?}",
            self.phases
        );
        let target = self.phase_index(phase);
        let mut out = Vec::new();
        while let Some(next) = self.cursor.next_phase() {
            let index = self.phase_index(next);
            let time = self.cursor.next_time().unwrap_or_default();
            if index > target || (index == target && time.as_secs_f64() >= seconds) {
                break;
            }
            let Some(batch) = self.cursor.next_batch() else {
                break;
            };
            if batch.events.is_empty() {
                continue;
            }
            self.clock.set(ManualClock::DEFAULT_START.plus(batch.time));
            self.sent.extend(batch.events.iter().cloned());
            self.events.send(batch.events).await.expect("core running");
            // The core applies what it was sent before serving a read: in step, on this clock.
            self.core.read(|_| ()).await.expect("core running");
            while let Some(batch) = self.receiver.try_recv() {
                out.extend(batch.iter().cloned());
            }
        }
        out
    }

    /// Reads the core's state.
    pub async fn read<R: Send + 'static>(&self, f: impl FnOnce(&State) -> R + Send + 'static) -> R {
        self.core.read(f).await.expect("core running")
    }
}
