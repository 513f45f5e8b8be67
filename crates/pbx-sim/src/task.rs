//! The switch's task: one loop that owns the [`Sim`] and runs one step at a time — a due timer,
//! an action from the core, or a request from a [`SimHandle`](crate::SimHandle) — shipping each
//! step's events to the core as one batch.
//!
//! Timers run on the injected clock: the loop sleeps until the earliest deadline (or until
//! something arrives) and runs every due timer in deadline order, each at its own deadline's
//! time, so virtual time jumping ahead gives the same story as time passing slowly. Due timers
//! always run before a new action or request.

use ctid_core::SharedClock;
use ctid_core::pbx::{PbxAdapterEnd, PbxEvent};
use tokio::sync::mpsc;

use crate::handle::Request;
use crate::sim::Sim;

/// The task's state besides the switch.
struct Task {
    sim: Sim,
    clock: SharedClock,
    port: PbxAdapterEnd,
    events_open: bool,
}

/// Runs the switch until the core and every handle are gone.
pub(crate) async fn run(
    sim: Sim,
    clock: SharedClock,
    port: PbxAdapterEnd,
    mut requests: mpsc::Receiver<Request>,
) {
    let mut task = Task {
        sim,
        clock,
        port,
        events_open: true,
    };
    let mut actions_open = true;
    let mut requests_open = true;
    while actions_open || requests_open {
        task.run_due_timers().await;
        let sleep = match task.sim.timers.next_deadline() {
            Some(at) => task.clock.sleep_until(at),
            None => Box::pin(futures::future::pending()),
        };
        tokio::select! {
            biased;
            () = sleep => {}
            action = task.port.actions.recv(), if actions_open => match action {
                Some(action) => {
                    task.begin_step().await;
                    task.sim.apply_request(action);
                    task.end_step().await;
                }
                None => {
                    tracing::debug!("the core closed the PBX port");
                    actions_open = false;
                }
            },
            request = requests.recv(), if requests_open => match request {
                Some(request) => task.handle(request).await,
                None => requests_open = false,
            },
        }
    }
    tracing::debug!("embedded PBX stopped");
}

impl Task {
    /// Runs every timer due now, in deadline order, each as its own step.
    async fn run_due_timers(&mut self) {
        let now = self.clock.now();
        while let Some((at, timer)) = self.sim.timers.pop_due(now) {
            self.sim.now = at.max(self.sim.now);
            self.sim.fire(timer);
            self.end_step().await;
        }
    }

    /// Before an action or request: due timers first, then the step runs at the clock's time.
    async fn begin_step(&mut self) {
        self.run_due_timers().await;
        self.sim.now = self.clock.now().max(self.sim.now);
    }

    /// After a step: waiting queue callers are offered, the events are shipped.
    async fn end_step(&mut self) {
        self.sim.finish_step();
        let batch = self.sim.take_events();
        self.ship(batch).await;
    }

    async fn ship(&mut self, batch: Vec<PbxEvent>) {
        if batch.is_empty() || !self.events_open {
            return;
        }
        if self.port.events.send(batch).await.is_err() {
            tracing::warn!("the core stopped reading PBX events; they are dropped from now on");
            self.events_open = false;
        }
    }

    /// Runs a request; its events are shipped before the reply is sent.
    async fn handle(&mut self, request: Request) {
        self.begin_step().await;
        match request {
            Request::OutsideCall {
                from,
                to,
                caller_name,
                reply,
            } => {
                let result = self.sim.outside_call(&from, &to, caller_name.as_deref());
                self.end_step().await;
                let _ = reply.send(result);
            }
            Request::Calls { reply } => {
                let _ = reply.send(self.sim.snapshot());
            }
            Request::Resync { reply } => {
                self.end_step().await;
                let snapshot = self.sim.pbx_snapshot();
                self.ship(vec![PbxEvent::Snapshot(Box::new(snapshot))])
                    .await;
                let _ = reply.send(());
            }
            Request::HangupCall { call_id, reply } => {
                let result = self.sim.hangup_call(&call_id);
                self.end_step().await;
                let _ = reply.send(result);
            }
            Request::LineAction {
                number,
                action,
                reply,
            } => {
                let result = self.sim.line_action(&number, action);
                self.end_step().await;
                let _ = reply.send(result);
            }
        }
    }
}
