//! Presence end to end: sessions opening and closing, allowed and refused transitions, and the
//! statuses' actions reaching the PBX — `donotdisturb` turns DND on (the PBX then refuses calls
//! as busy), `outtolunch` pauses the agent in all its queues (a queue call no longer rings it),
//! `available` undoes both, and `disconnected` on logout logs the agent off.

use ctid_core::event::Event;
use ctid_core::ids::UserId;
use ctid_core::live::{AgentState, Availability};
use ctid_core::{Command, CommandError};

use crate::support::*;

async fn presence(h: &E2e, user: UserId) -> String {
    h.read(move |s| s.user_presence(user).map(|p| p.status.clone()))
        .await
        .expect("a user")
}

fn step_presence(h: &E2e, user: UserId) -> Vec<String> {
    h.step_events()
        .iter()
        .filter_map(|e| match e {
            Event::UserPresence { user: u, status } if *u == user => Some(status.clone()),
            _ => None,
        })
        .collect()
}

async fn set(h: &mut E2e, user: UserId, status: &str) -> Result<(), CommandError> {
    h.exec(Command::SetPresence {
        user,
        status: status.into(),
    })
    .await
    .map(|_| ())
}

#[tokio::test]
async fn presence_transitions_and_actions() {
    let mut h = E2e::start().await;
    assert_eq!(presence(&h, CAROL).await, "disconnected");
    h.login(CAROL, A_CAROL).await;

    // Carol's client logs in: available.
    h.exec_ok(Command::SessionOpened {
        user: CAROL,
        presence: None,
    })
    .await;
    assert_eq!(step_presence(&h, CAROL), vec!["available"]);
    assert_eq!(h.read(|s| s.user_sessions(CAROL)).await, 1);

    // Allowed and refused transitions.
    set(&mut h, CAROL, "away").await.expect("away is allowed");
    assert_eq!(step_presence(&h, CAROL), vec!["away"]);
    assert_eq!(
        set(&mut h, CAROL, "disconnected").await,
        Err(CommandError::InvalidPresence("disconnected".into()))
    );
    assert_eq!(
        set(&mut h, CAROL, "gone fishing").await,
        Err(CommandError::InvalidPresence("gone fishing".into()))
    );
    assert!(h.step_events().is_empty(), "a refused change emits nothing");
    assert_eq!(presence(&h, CAROL).await, "away");

    // Do not disturb: DND on, and the PBX refuses calls (to voicemail) instead of ringing.
    set(&mut h, CAROL, "donotdisturb").await.unwrap();
    assert_eq!(step_presence(&h, CAROL), vec!["donotdisturb"]);
    assert!(h.step_matching(|e| matches!(e, Event::UserServices { user, services, .. } if *user == CAROL && services.dnd)).len() == 1);
    let call = h.outside("0612345678", "1003").await;
    assert_eq!(h.hint("1003").await, 0, "nothing rings");
    assert!(h.step_phones("1003").is_empty());
    let activity: Vec<String> = h
        .sim_calls
        .iter()
        .flat_map(|c| &c.channels)
        .map(|c| c.activity.clone())
        .collect();
    assert_eq!(
        activity,
        vec!["voicemail"],
        "the caller is in carol's voicemail"
    );
    h.hangup_call(&call).await;

    // Back to available: DND off.
    set(&mut h, CAROL, "available").await.unwrap();
    assert!(!h.read(|s| s.user_services(CAROL).unwrap().dnd).await);
    let call = h.outside("0612345678", "1003").await;
    assert_eq!(h.hint("1003").await, 8);
    h.hangup_call(&call).await;

    // Out to lunch: paused in all queues — in the core and in the sim.
    set(&mut h, CAROL, "outtolunch").await.unwrap();
    let st = h.agent(A_CAROL).await;
    assert!(st.paused);
    assert_eq!(st.pause_reason.as_deref(), Some("outtolunch"));
    assert_eq!(st.availability, Availability::Unavailable);
    assert_eq!(st.state, AgentState::OnPause);
    assert!(h.member(SALES, A_CAROL).await.paused);
    let call = h.outside("0600000000", "3001").await;
    assert!(
        h.sim_ringing_lines().is_empty(),
        "a paused agent is not rung"
    );
    assert_eq!(h.stats(SALES).await.waiting_calls, 1);
    // Available again: unpaused everywhere, and the waiting caller rings her at once.
    set(&mut h, CAROL, "available").await.unwrap();
    assert!(!h.agent(A_CAROL).await.paused);
    assert_eq!(h.sim_ringing_lines(), vec!["1003"]);
    assert_eq!(h.agent(A_CAROL).await.state, AgentState::Ringing);
    h.hangup_call(&call).await;

    // A second session, then a dropped connection: still connected.
    h.exec_ok(Command::SessionOpened {
        user: CAROL,
        presence: Some("away".into()),
    })
    .await;
    assert_eq!(presence(&h, CAROL).await, "away");
    h.exec_ok(Command::SessionClosed {
        user: CAROL,
        logout: false,
    })
    .await;
    assert_eq!(presence(&h, CAROL).await, "away");
    // The last session logs out: disconnected, and the agent is logged off.
    h.exec_ok(Command::SessionClosed {
        user: CAROL,
        logout: true,
    })
    .await;
    assert_eq!(step_presence(&h, CAROL), vec!["disconnected"]);
    let st = h.agent(A_CAROL).await;
    assert_eq!(st.availability, Availability::LoggedOut);
    assert_eq!(st.line, None);
    assert!(
        h.step_matching(
            |e| matches!(e, Event::AgentLogin { agent, line: None } if *agent == A_CAROL)
        )
        .len()
            == 1
    );
    h.assert_idle().await;
}

#[tokio::test]
async fn a_dropped_connection_keeps_the_agent_logged_in() {
    let mut h = E2e::start().await;
    h.login(DAVE, A_DAVE).await;
    h.exec_ok(Command::SessionOpened {
        user: DAVE,
        presence: Some("berightback".into()),
    })
    .await;
    // berightback pauses the agent everywhere.
    assert!(h.agent(A_DAVE).await.paused);
    h.exec_ok(Command::SessionClosed {
        user: DAVE,
        logout: false,
    })
    .await;
    assert_eq!(presence(&h, DAVE).await, "disconnected");
    let st = h.agent(A_DAVE).await;
    assert!(st.line.is_some(), "no logoff without an explicit logout");
    // Reconnecting asks for nothing: available, whose actions unpause.
    h.exec_ok(Command::SessionOpened {
        user: DAVE,
        presence: None,
    })
    .await;
    assert_eq!(presence(&h, DAVE).await, "available");
    let st = h.agent(A_DAVE).await;
    assert!(!st.paused);
    assert_eq!(st.availability, Availability::Available);
    h.assert_idle().await;
}
