//! Conference room 4000 end to end (joining, muting through `Command::ConferenceMute`, leaving),
//! and a supervisor listening to an agent (`Command::Listen` → `Event::Listen`).

use ctid_core::event::Event;
use ctid_core::live::{ConferenceState, PhoneEventKind as K};
use ctid_core::{Command, CommandError};

use crate::support::*;

async fn room(h: &E2e) -> ConferenceState {
    h.read(|s| s.conference(STANDUP)).await.expect("the room")
}

/// The conference states announced during the last step.
fn step_rooms(h: &E2e) -> Vec<ConferenceState> {
    h.step_events()
        .iter()
        .filter_map(|e| match e {
            Event::Conference { state: c, .. } if c.room == STANDUP => Some((**c).clone()),
            _ => None,
        })
        .collect()
}

fn mute(requester: ctid_core::ids::UserId, member: u32, muted: bool) -> Command {
    Command::ConferenceMute {
        requester,
        room: STANDUP,
        member,
        muted,
    }
}

#[tokio::test]
async fn join_mute_and_leave_the_room() {
    let mut h = E2e::start().await;
    assert!(room(&h).await.members.is_empty());

    h.dial("1003", "4000").await;
    let rooms = step_rooms(&h);
    assert_eq!(rooms.len(), 1);
    let m = &rooms[0].members;
    assert_eq!(m.len(), 1);
    assert_eq!(
        (m[0].join_order, m[0].number.as_str(), m[0].user),
        (1, "1003", Some(CAROL))
    );
    assert_eq!(rooms[0].start, Some(h.clock_now()));
    // The room answers carol's call: her phone is in use.
    h.assert_hints(&[("1003", 1)]).await;
    assert_eq!(h.step_phone_kinds("1003"), vec![K::Dialing, K::Established]);

    h.advance(5.0).await;
    let outside = h.outside("0612345678", "4000").await;
    h.dial("1004", "4000").await;
    let r = room(&h).await;
    assert_eq!(
        r.members
            .iter()
            .map(|m| (m.join_order, m.number.as_str(), m.muted))
            .collect::<Vec<_>>(),
        vec![
            (1, "1003", false),
            (2, "0612345678", false),
            (3, "1004", false)
        ]
    );
    assert_eq!(r.members[1].uniqueid, outside);

    // Carol (a member) mutes the outside caller; bob (neither member nor supervisor) may not.
    h.exec_ok(mute(CAROL, 2, true)).await;
    let rooms = step_rooms(&h);
    assert_eq!(rooms.len(), 1);
    assert!(rooms[0].members[1].muted);
    assert!(room(&h).await.members[1].muted);
    let muted_in_sim = h
        .sim_calls
        .iter()
        .flat_map(|c| &c.channels)
        .find(|c| c.uniqueid == outside)
        .map(|c| c.muted);
    assert_eq!(muted_in_sim, Some(true));
    assert!(matches!(
        h.exec(mute(BOB, 2, false)).await,
        Err(CommandError::Forbidden(_))
    ));
    assert!(matches!(
        h.exec(mute(CAROL, 9, true)).await,
        Err(CommandError::NotFound { .. })
    ));
    // Alice, a supervisor outside the room, unmutes.
    h.exec_ok(mute(ALICE, 2, false)).await;
    assert!(!room(&h).await.members[1].muted);

    // Leaving: members go in any order; the room empties.
    h.hangup_call(&outside).await;
    let r = room(&h).await;
    assert_eq!(
        r.members
            .iter()
            .map(|m| m.number.as_str())
            .collect::<Vec<_>>(),
        vec!["1003", "1004"]
    );
    h.hang_up("1003").await;
    h.hang_up("1004").await;
    let r = room(&h).await;
    assert!(r.members.is_empty());
    assert_eq!(r.start, None);
    h.assert_idle().await;
}

#[tokio::test]
async fn supervisor_listens_to_an_agent() {
    let mut h = E2e::start().await;
    h.login(CAROL, A_CAROL).await;
    // Not a supervisor.
    assert!(matches!(
        h.exec(Command::Listen {
            requester: BOB,
            agent: A_CAROL,
        })
        .await,
        Err(CommandError::Forbidden(_))
    ));
    // Carol takes a queue call.
    let call = h.outside("0612345678", "3001").await;
    h.answer("1003").await;
    // Alice listens: her phone auto-answers and hears carol's call.
    h.exec_ok(Command::Listen {
        requester: ALICE,
        agent: A_CAROL,
    })
    .await;
    assert_eq!(
        h.step_matching(|e| matches!(e, Event::Listen { .. })),
        vec![Event::Listen {
            supervisor: ALICE,
            agent: A_CAROL,
            started: true
        }]
    );
    h.assert_hints(&[("1001", 1), ("1003", 1)]).await;
    // Listening is not a call of carol's: her status is unchanged.
    assert!(h.agent(A_CAROL).await.on_call_acd);
    // The call ends: the listening stops and alice's phone is freed.
    h.hangup_call(&call).await;
    assert_eq!(
        h.step_matching(|e| matches!(e, Event::Listen { .. })),
        vec![Event::Listen {
            supervisor: ALICE,
            agent: A_CAROL,
            started: false
        }]
    );
    h.assert_hints(&[("1001", 0), ("1003", 0)]).await;
    h.advance(10.0).await;
    // Nothing to listen to: alice's phone answers and hangs up, no listen event.
    h.exec_ok(Command::Listen {
        requester: ALICE,
        agent: A_CAROL,
    })
    .await;
    assert!(
        h.step_matching(|e| matches!(e, Event::Listen { .. }))
            .is_empty()
    );
    h.assert_idle().await;
}
