//! [`SimHandle`]: how the `ctid` binary, the HTTP API and tests drive the switch — outside
//! callers and phone buttons — and read its live calls. Requests go through a bounded queue to
//! the switch's task and get a reply.

use std::time::Duration;

use ctid_core::ids::UniqueId;
use tokio::sync::{mpsc, oneshot};

use crate::error::SimError;
use crate::phone::LineAction;
use crate::snapshot::SimCall;

/// A request to the switch's task.
#[derive(Debug)]
pub(crate) enum Request {
    /// An outside caller dials a number.
    OutsideCall {
        from: String,
        to: String,
        caller_name: Option<String>,
        reply: oneshot::Sender<Result<UniqueId, SimError>>,
    },
    /// The live calls.
    Calls {
        reply: oneshot::Sender<Vec<SimCall>>,
    },
    /// The outside party of a call hangs up.
    HangupCall {
        call_id: String,
        reply: oneshot::Sender<Result<(), SimError>>,
    },
    /// Send the whole state to the core again.
    Resync { reply: oneshot::Sender<()> },
    /// A phone button.
    LineAction {
        number: String,
        action: LineAction,
        reply: oneshot::Sender<Result<(), SimError>>,
    },
}

/// A cheap, cloneable handle to the embedded PBX.
#[derive(Clone, Debug)]
pub struct SimHandle {
    tx: mpsc::Sender<Request>,
}

/// How long a request waits for the switch (it waits only when the core stops reading the
/// switch's events).
const REPLY_TIMEOUT: Duration = Duration::from_secs(30);

fn stopped() -> SimError {
    SimError::unavailable("the embedded PBX has stopped")
}

impl SimHandle {
    pub(crate) fn new(tx: mpsc::Sender<Request>) -> SimHandle {
        SimHandle { tx }
    }

    async fn ask<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<T>) -> Request,
    ) -> Result<T, SimError> {
        let (tx, rx) = oneshot::channel();
        let exchange = async {
            self.tx.send(make(tx)).await.map_err(|_| stopped())?;
            rx.await.map_err(|_| stopped())
        };
        tokio::time::timeout(REPLY_TIMEOUT, exchange)
            .await
            .map_err(|_| SimError::unavailable("the embedded PBX did not answer in time"))?
    }

    /// An outside caller (`from`, optionally named) dials `to`: a line, a queue, a conference
    /// room or a voicemail number. Returns the call id: the unique id of the caller's trunk
    /// channel, which is also the call's linked id.
    pub async fn outside_call(
        &self,
        from: String,
        to: String,
        caller_name: Option<String>,
    ) -> Result<UniqueId, SimError> {
        self.ask(|reply| Request::OutsideCall {
            from,
            to,
            caller_name,
            reply,
        })
        .await?
    }

    /// The live calls, with their channels and states.
    pub async fn calls(&self) -> Result<Vec<SimCall>, SimError> {
        self.ask(|reply| Request::Calls { reply }).await
    }

    /// The outside party of a call hangs up (a call without one is hung up by its first
    /// channel).
    pub async fn hangup_call(&self, call_id: &str) -> Result<(), SimError> {
        let call_id = call_id.to_owned();
        self.ask(|reply| Request::HangupCall { call_id, reply })
            .await?
    }

    /// Sends the switch's whole state to the core again, as an adapter does after reconnecting
    /// (the core emits only what differs from what it knew). Returns once it is sent.
    pub async fn resync(&self) -> Result<(), SimError> {
        self.ask(|reply| Request::Resync { reply }).await
    }

    /// Presses a button on the phone of line `number`.
    pub async fn line_action(&self, number: &str, action: LineAction) -> Result<(), SimError> {
        let number = number.to_owned();
        self.ask(|reply| Request::LineAction {
            number,
            action,
            reply,
        })
        .await?
    }
}
