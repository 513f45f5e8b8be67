//! asterisk-20-chansip-2.capture.txt: chan_sip, phases HOLD, BLIND, ATXFER, ATXFER_CANCEL,
//! BUSY, UNAVAILABLE*, QUEUE_ABANDON, PAUSE_DURING, AGENT.

use std::time::Duration;

use ctid_core::Event;
use ctid_core::ids::{AgentId, LineId, QueueId, UniqueId, UserId};
use ctid_core::live::{HintStatus, PhoneEventKind};
use ctid_core::pbx::{AttendedTransferState, PbxEvent};

use crate::lab::{Driver, Lab};

const CAPTURE: &str = "asterisk-20-chansip-2.capture.txt";

fn phone_kinds(events: &[Event], line: LineId) -> Vec<PhoneEventKind> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Phone(p) if p.line == line => Some(p.kind),
            _ => None,
        })
        .collect()
}

async fn hint_of(lab: &Lab, line: u32) -> HintStatus {
    lab.read(move |s| s.line_hint(LineId(line))).await
}

fn now(lab: &Lab) -> ctid_core::Timestamp {
    use ctid_core::Clock;
    lab.clock.now()
}

/// The second lab's inventory: 1001–1005 are static peers (registered as far as Asterisk
/// knows), 1006 a dynamic peer never registered.
#[tokio::test]
async fn inventory_with_a_dynamic_peer_never_registered() {
    let mut lab = Lab::start(CAPTURE, Driver::Sip).await;
    lab.play_to("HOLD", 0.0).await;
    let registered = lab
        .read(|s| {
            (1..=6)
                .map(|l| s.line_registered(LineId(l)))
                .collect::<Vec<_>>()
        })
        .await;
    assert_eq!(
        registered,
        [
            Some(true),
            Some(true),
            Some(true),
            Some(true),
            Some(true),
            Some(false)
        ]
    );
    assert_eq!(hint_of(&lab, 6).await, HintStatus::Unavailable);
}

/// HOLD: the phone holds (re-INVITE sendonly) and resumes.
#[tokio::test]
async fn hold_and_resume() {
    let mut lab = Lab::start(CAPTURE, Driver::Sip).await;
    lab.play_to("HOLD", 3.0).await;
    assert_eq!(hint_of(&lab, 1).await, HintStatus::InUse);
    let held = lab.play_to("HOLD", 4.0).await;
    assert_eq!(phone_kinds(&held, LineId(1)), [PhoneEventKind::OnHold]);
    assert_eq!(hint_of(&lab, 1).await, HintStatus::OnHold);
    let resumed = lab.play_to("HOLD", 7.0).await;
    assert_eq!(
        phone_kinds(&resumed, LineId(1)),
        [PhoneEventKind::Established]
    );
    assert_eq!(hint_of(&lab, 1).await, HintStatus::InUse);
    lab.play_phase("HOLD").await;
    assert_eq!(hint_of(&lab, 1).await, HintStatus::Idle);
}

/// BLIND: 1001 blind-transfers the trunk caller to 1002, who answers.
#[tokio::test]
async fn a_blind_transfer_hands_the_caller_over() {
    let mut lab = Lab::start(CAPTURE, Driver::Sip).await;
    lab.play_to("BLIND", 17.0).await;
    assert_eq!(hint_of(&lab, 1).await, HintStatus::InUse);
    let transferred = lab.play_to("BLIND", 18.5).await;
    assert!(lab.sent.iter().any(|e| matches!(
        e,
        PbxEvent::BlindTransfer { transferer, transferee: Some(transferee), destination }
            if transferer.as_str() == "1795372481.3"
                && transferee.as_str() == "1795372481.2"
                && destination == "1002"
    )));
    assert_eq!(
        phone_kinds(&transferred, LineId(1)),
        [PhoneEventKind::Released]
    );
    assert_eq!(hint_of(&lab, 1).await, HintStatus::Idle);
    assert_eq!(hint_of(&lab, 2).await, HintStatus::InUse);
    let peers = lab
        .read(|s| {
            s.line_calls(LineId(2))
                .into_iter()
                .map(|c| c.peer.number)
                .collect::<Vec<_>>()
        })
        .await;
    assert_eq!(peers, ["sipp"]);
    lab.play_phase("BLIND").await;
    assert_eq!(lab.read(|s| s.channel_count()).await, 0);
}

/// ATXFER: 1001 consults 1002 through a Local channel, then hangs up: the transfer completes
/// and the trunk caller talks to 1002.
#[tokio::test]
async fn an_attended_transfer_completes() {
    let mut lab = Lab::start(CAPTURE, Driver::Sip).await;
    lab.play_to("ATXFER", 30.0).await;
    assert_eq!(hint_of(&lab, 2).await, HintStatus::Ringing);
    lab.play_to("ATXFER", 33.0).await;
    assert_eq!(hint_of(&lab, 2).await, HintStatus::InUse);
    let done = lab.play_to("ATXFER", 34.0).await;
    assert!(done.iter().any(|e| matches!(
        e,
        Event::AttendedTransfer { user, state: AttendedTransferState::Completed, .. }
            if *user == UserId(1)
    )));
    assert_eq!(phone_kinds(&done, LineId(1)), [PhoneEventKind::Released]);
    assert_eq!(hint_of(&lab, 1).await, HintStatus::Idle);
    assert_eq!(hint_of(&lab, 2).await, HintStatus::InUse);
    lab.play_phase("ATXFER").await;
    assert_eq!(lab.read(|s| s.channel_count()).await, 0);
    assert_eq!(hint_of(&lab, 2).await, HintStatus::Idle);
}

/// ATXFER_CANCEL: the consultation rings 1002 and is cancelled; 1001 is back with the caller.
#[tokio::test]
async fn a_cancelled_attended_transfer_returns_to_the_caller() {
    let mut lab = Lab::start(CAPTURE, Driver::Sip).await;
    lab.play_to("ATXFER_CANCEL", 48.0).await;
    assert_eq!(hint_of(&lab, 2).await, HintStatus::Ringing);
    let back = lab.play_to("ATXFER_CANCEL", 51.0).await;
    assert_eq!(phone_kinds(&back, LineId(1)), [PhoneEventKind::Established]);
    assert_eq!(hint_of(&lab, 2).await, HintStatus::Idle);
    assert_eq!(hint_of(&lab, 1).await, HintStatus::InUse);
    // Asterisk turns 1001's connected line back to the caller 0.36 s after the cancel.
    lab.play_to("ATXFER_CANCEL", 52.0).await;
    let peers = lab
        .read(|s| {
            s.line_calls(LineId(1))
                .into_iter()
                .map(|c| c.peer.number)
                .collect::<Vec<_>>()
        })
        .await;
    assert_eq!(peers, ["sipp"]);
    lab.play_phase("ATXFER_CANCEL").await;
    assert_eq!(lab.read(|s| s.channel_count()).await, 0);
}

/// BUSY and the UNAVAILABLE phases: dial failures with their causes.
#[tokio::test]
async fn failed_dials_end_with_their_causes() {
    use ctid_core::live::DialStatus;
    let mut lab = Lab::start(CAPTURE, Driver::Sip).await;
    lab.play_phase("UNAVAILABLE_UNREG").await;
    let ends: Vec<(String, DialStatus)> = lab
        .sent
        .iter()
        .filter_map(|e| match e {
            PbxEvent::DialEnd { callee, status, .. } => Some((callee.to_string(), *status)),
            _ => None,
        })
        .filter(|(callee, _)| {
            ["1795372525.16", "1795372528.18", "1795372563.20"].contains(&callee.as_str())
        })
        .collect();
    assert_eq!(
        ends,
        [
            ("1795372525.16".to_owned(), DialStatus::Busy),
            ("1795372528.18".to_owned(), DialStatus::NoAnswer),
            ("1795372563.20".to_owned(), DialStatus::ChanUnavail),
        ]
    );
    let causes: Vec<(String, u16)> = lab
        .sent
        .iter()
        .filter_map(|e| match e {
            PbxEvent::Hangup { uniqueid, cause } => Some((uniqueid.to_string(), *cause)),
            _ => None,
        })
        .filter(|(u, _)| ["1795372525.16", "1795372569.21"].contains(&u.as_str()))
        .collect();
    assert_eq!(
        causes,
        [
            ("1795372525.16".to_owned(), 17),
            ("1795372569.21".to_owned(), 20)
        ]
    );
    assert_eq!(lab.read(|s| s.channel_count()).await, 0);
    assert_eq!(hint_of(&lab, 1).await, HintStatus::Idle);
    assert_eq!(hint_of(&lab, 5).await, HintStatus::Idle);
}

/// QUEUE_ABANDON: the caller gives up after 3 s; the queue counts an abandon.
#[tokio::test]
async fn a_caller_abandons_the_queue() {
    let support = QueueId(1);
    let mut lab = Lab::start(CAPTURE, Driver::Sip).await;
    lab.play_to("QUEUE_ABANDON", 107.0).await;
    let waiting = lab.read(move |s| s.queue_entries(support).len()).await;
    assert_eq!(waiting, 1);
    lab.play_phase("QUEUE_ABANDON").await;
    let t = now(&lab);
    let (entries, window) = lab
        .read(move |s| {
            let w = s.queue_window_stats(
                support,
                t,
                Duration::from_secs(3600),
                Duration::from_secs(20),
            );
            (
                s.queue_entries(support).len(),
                (w.entered, w.answered, w.abandoned),
            )
        })
        .await;
    assert_eq!(entries, 0);
    assert_eq!(window, (1, 0, 1));
    assert_eq!(hint_of(&lab, 3).await, HintStatus::Idle);
    assert_eq!(hint_of(&lab, 4).await, HintStatus::Idle);
}

/// PAUSE_DURING: both members paused with reasons, Carol's reason changes, she is unpaused
/// and takes the waiting call.
#[tokio::test]
async fn pauses_with_reasons_while_a_caller_waits() {
    let support = QueueId(1);
    let mut lab = Lab::start(CAPTURE, Driver::Sip).await;
    lab.play_to("PAUSE_DURING", 114.0).await;
    let member = |agent: u32| {
        move |s: &ctid_core::State| {
            s.queue_member(support, AgentId(agent))
                .map(|m| (m.paused, m.pause_reason.clone()))
        }
    };
    assert_eq!(
        lab.read(member(2)).await,
        Some((true, Some("lunch".to_owned())))
    );
    assert_eq!(
        lab.read(member(1)).await,
        Some((true, Some("break".to_owned())))
    );
    let t = now(&lab);
    let available = lab
        .read(move |s| s.queue_stats(support, t).available_agents)
        .await;
    assert_eq!(available, 0);
    lab.play_to("PAUSE_DURING", 116.0).await;
    assert_eq!(
        lab.read(member(1)).await,
        Some((true, Some("coaching".to_owned())))
    );
    lab.play_to("PAUSE_DURING", 117.0).await;
    assert_eq!(lab.read(member(1)).await.map(|m| m.0), Some(false));
    lab.play_to("PAUSE_DURING", 119.0).await;
    let carol = lab
        .read(|s| s.agent_status(AgentId(1)).map(|a| a.on_call_acd))
        .await;
    assert_eq!(carol, Some(true));
    lab.play_phase("PAUSE_DURING").await;
    assert_eq!(lab.read(member(2)).await.map(|m| m.0), Some(false));
}

/// AGENT: app_agent_pool agent 2001 logs in from 1003 and takes a call of queue `agents`
/// through a Local channel.
#[tokio::test]
async fn an_app_agent_pool_agent_takes_a_queue_call() {
    let agents_queue = QueueId(2);
    let mut lab = Lab::start(CAPTURE, Driver::Sip).await;
    lab.play_to("AGENT", 128.0).await;
    let line = lab
        .read(|s| s.agent_status(AgentId(1)).and_then(|a| a.line))
        .await;
    assert_eq!(line, Some(LineId(3)));
    lab.play_to("AGENT", 134.2).await;
    let (status, member) = lab
        .read(move |s| {
            let a = s
                .agent_status(AgentId(1))
                .map(|a| (a.on_call_acd, a.acd_queue));
            (a, s.queue_member(agents_queue, AgentId(1)).is_some())
        })
        .await;
    assert!(member);
    assert_eq!(status.map(|s| s.1), Some(Some(agents_queue)));
    lab.play_to("AGENT", 136.0).await;
    let connected = lab
        .read(|s| s.agent_status(AgentId(1)).map(|a| a.on_call_acd))
        .await;
    assert_eq!(connected, Some(true));
    assert!(lab.sent.iter().any(|e| matches!(
        e,
        PbxEvent::AgentConnect { agent, caller, .. }
            if *agent == AgentId(1) && *caller == UniqueId::from("1795372599.28")
    )));
    lab.play_phase("AGENT").await;
    let after = lab
        .read(|s| s.agent_status(AgentId(1)).map(|a| (a.on_call_acd, a.line)))
        .await;
    // Still a member of support through 1003: the app_agent_pool logoff leaves it logged in.
    assert_eq!(after, Some((false, Some(LineId(3)))));
}
