//! Phone commands: `dial`, `dialFromMobile`, `dialByUsername`, `originate`, `answer`,
//! `hangup`, `hold`, the transfers, `conference`, `setData`, `sendDtmf`, `dnd` and the forwards,
//! `userStatusUpdate` and `getCurrentCallsPhoneEvents`, mapped to the core's commands on the
//! session user's own line.

use ctid_core::ids::UniqueId;
use ctid_core::live::{ForwardKind, ServiceChange};
use ctid_core::{Command, CommandError};

use crate::session::{Kicked, Session};
use crate::wire::output::{CurrentCallsOut, PhoneEventOut, msg};

/// `dial`: the user's line calls `destination` (variables get the `USR_` prefix in the core).
pub(crate) async fn dial(
    s: &Session,
    destination: String,
    variables: Vec<(String, String)>,
) -> Result<(), Kicked> {
    let command = Command::Dial {
        user: s.user,
        destination,
        variables,
        from_mobile: false,
    };
    s.execute("dial", command).await
}

fn unique(id: Option<String>) -> Option<UniqueId> {
    id.map(UniqueId::new)
}

/// `answer`.
pub(crate) async fn answer(s: &Session, unique_id: Option<String>) -> Result<(), Kicked> {
    let command = Command::Answer {
        user: s.user,
        uniqueid: unique(unique_id),
    };
    s.execute("answer", command).await
}

/// `hangup`.
pub(crate) async fn hangup(s: &Session, unique_id: Option<String>) -> Result<(), Kicked> {
    let command = Command::Hangup {
        user: s.user,
        uniqueid: unique(unique_id),
    };
    s.execute("hangup", command).await
}

/// `hold`: toggles.
pub(crate) async fn hold(s: &Session, unique_id: Option<String>) -> Result<(), Kicked> {
    let command = Command::Hold {
        user: s.user,
        uniqueid: unique(unique_id),
        hold: None,
    };
    s.execute("hold", command).await
}

/// `sendDtmf`: the keys on the user's answered call, as if pressed on the phone.
pub(crate) async fn send_dtmf(s: &Session, key: String) -> Result<(), Kicked> {
    let command = Command::SendDtmf {
        user: s.user,
        digits: key,
    };
    s.execute("sendDtmf", command).await
}

/// `directTransfer`.
pub(crate) async fn direct_transfer(s: &Session, destination: String) -> Result<(), Kicked> {
    let command = Command::BlindTransfer {
        user: s.user,
        destination,
    };
    s.execute("directTransfer", command).await
}

/// `attendedTransfer`.
pub(crate) async fn attended_transfer(s: &Session, destination: String) -> Result<(), Kicked> {
    let command = Command::AttendedTransfer {
        user: s.user,
        destination,
    };
    s.execute("attendedTransfer", command).await
}

/// `completeTransfer`.
pub(crate) async fn complete_transfer(s: &Session) -> Result<(), Kicked> {
    s.execute(
        "completeTransfer",
        Command::CompleteTransfer { user: s.user },
    )
    .await
}

/// `cancelTransfer`.
pub(crate) async fn cancel_transfer(s: &Session) -> Result<(), Kicked> {
    s.execute("cancelTransfer", Command::CancelTransfer { user: s.user })
        .await
}

/// `dnd`.
pub(crate) async fn dnd(s: &Session, state: bool) -> Result<(), Kicked> {
    let command = Command::SetService {
        requester: s.user,
        target: s.user,
        change: ServiceChange::Dnd(state),
    };
    s.execute("dnd", command).await
}

/// `naFwd`, `uncFwd`, `busyFwd`.
pub(crate) async fn forward(
    s: &Session,
    kind: ForwardKind,
    state: bool,
    destination: Option<String>,
) -> Result<(), Kicked> {
    let name = match kind {
        ForwardKind::NoAnswer => "naFwd",
        ForwardKind::Unconditional => "uncFwd",
        ForwardKind::Busy => "busyFwd",
    };
    let command = Command::SetService {
        requester: s.user,
        target: s.user,
        change: ServiceChange::Forward {
            kind,
            enabled: Some(state),
            destination,
        },
    };
    s.execute(name, command).await
}

/// `userStatusUpdate`.
pub(crate) async fn user_status(s: &Session, status: String) -> Result<(), Kicked> {
    let command = Command::SetPresence {
        user: s.user,
        status,
    };
    s.execute("userStatusUpdate", command).await
}

/// `dialFromMobile`: the user's mobile rings first, then `destination` (the core refuses a
/// user without a mobile number).
pub(crate) async fn dial_from_mobile(
    s: &Session,
    destination: String,
    variables: Vec<(String, String)>,
) -> Result<(), Kicked> {
    let command = Command::Dial {
        user: s.user,
        destination,
        variables,
        from_mobile: true,
    };
    s.execute("dialFromMobile", command).await
}

/// `dialByUsername`: calls the line of the user with that login (`NotFound` for an unknown
/// login, `NoLine` for a user without a line).
pub(crate) async fn dial_by_username(
    s: &Session,
    username: String,
    variables: Vec<(String, String)>,
) -> Result<(), Kicked> {
    const NAME: &str = "dialByUsername";
    let ds = s.ds();
    let Some(user) = ds.user_by_login(&username) else {
        let e = CommandError::NotFound {
            kind: "user".into(),
            id: crate::wire::input::echo(&username),
        };
        return s.refused(NAME, &e);
    };
    let Some(line) = ds.line_of_user(user.id) else {
        return s.refused(NAME, &CommandError::NoLine);
    };
    let command = Command::Dial {
        user: s.user,
        destination: line.number.clone(),
        variables,
        from_mobile: false,
    };
    s.execute(NAME, command).await
}

/// `originate`: as `dial`, without attached data.
pub(crate) async fn originate(s: &Session, destination: String) -> Result<(), Kicked> {
    let command = Command::Dial {
        user: s.user,
        destination,
        variables: Vec::new(),
        from_mobile: false,
    };
    s.execute("originate", command).await
}

/// `conference`: the user's attended transfer becomes a three-party conference.
pub(crate) async fn conference(s: &Session) -> Result<(), Kicked> {
    s.execute("conference", Command::Conference { user: s.user })
        .await
}

/// `setData`: attaches variables to the user's current calls (the core adds the `USR_`
/// prefix when missing; they come back in `PhoneEvent.userData`).
pub(crate) async fn set_data(s: &Session, variables: Vec<(String, String)>) -> Result<(), Kicked> {
    let command = Command::SetCallData {
        user: s.user,
        variables,
    };
    s.execute("setData", command).await
}

/// `getCurrentCallsPhoneEvents`: one `PhoneEvent` per current call of the user's line, in one
/// `CurrentCallsPhoneEvents` (empty without a line).
pub(crate) async fn current_calls(s: &Session) -> Result<(), Kicked> {
    let ds = s.ds();
    let line = ds.user(s.user).and_then(|u| u.line);
    let events = match line {
        Some(line) => s
            .shared
            .core
            .read(move |st| st.line_phone_events(line))
            .await
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let reply = CurrentCallsOut {
        events: events.iter().map(|e| PhoneEventOut::new(e, &ds)).collect(),
    };
    s.reply(msg::CURRENT_CALLS_PHONE_EVENTS, &reply)
}
