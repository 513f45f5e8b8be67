//! Actions the switch refuses: every action carries an id, and a refusal reaches the user who
//! asked as the failure of their command, within the action's memory.

use super::script::*;
use crate::command::{Command, CommandKind, Outcome};
use crate::event::Event;
use crate::ids::ActionId;
use crate::pbx::{FaxStatus, PbxEvent};
use crate::state::pending::ACTION_MEMORY;

fn failed(action: ActionId) -> PbxEvent {
    PbxEvent::ActionFailed {
        action,
        reason: "No such channel".into(),
    }
}

#[test]
fn a_refused_action_is_the_error_of_the_command_that_asked_for_it() {
    let mut w = World::demo();
    let leg = Leg::new("c1");
    w.feed(internal_dial(&leg, 1, 2));
    w.feed(answer(&leg));
    let (result, requests, _) = w.run_with_ids(Command::Hangup {
        user: user(2),
        uniqueid: None,
    });
    assert_eq!(result, Ok(Outcome::Done));
    let [request] = requests.as_slice() else {
        panic!("{requests:?}")
    };
    assert_eq!(
        w.one(failed(request.id)),
        vec![Event::ActionFailed {
            user: user(2),
            command: CommandKind::Hangup,
            action: request.id,
            reason: "No such channel".into(),
        }]
    );
    assert_eq!(w.one(failed(request.id)), vec![], "answered once");
    assert_eq!(w.one(failed(ActionId(999))), vec![], "unknown id");
}

#[test]
fn ids_are_fresh_and_outcomes_name_them() {
    let mut w = World::demo();
    let dial = |w: &mut World| {
        w.run_with_ids(Command::Dial {
            user: user(2),
            destination: "1003".into(),
            variables: vec![],
            from_mobile: false,
        })
    };
    let (first, r1, _) = dial(&mut w);
    let (second, r2, _) = dial(&mut w);
    assert!(matches!(first, Ok(Outcome::Dialing { action, .. }) if action == r1[0].id));
    assert!(matches!(second, Ok(Outcome::Dialing { action, .. }) if action == r2[0].id));
    assert_ne!(r1[0].id, r2[0].id);
    // A refused command uses no id.
    let (refused, none, _) = w.run_with_ids(Command::Dial {
        user: user(2),
        destination: "12".into(),
        variables: vec![],
        from_mobile: false,
    });
    assert!(refused.is_err() && none.is_empty());
    let (_, r3, _) = dial(&mut w);
    assert_eq!(r3[0].id.0, r2[0].id.0 + 1);

    // A refused originate is a failed dial; one that succeeded is forgotten.
    assert_eq!(
        w.one(failed(r1[0].id)),
        vec![Event::DialFailed {
            user: user(2),
            destination: "1003".into(),
            reason: "No such channel".into(),
        }]
    );
    w.one(PbxEvent::OriginateResult {
        action: r2[0].id,
        uniqueid: None,
        success: true,
        reason: String::new(),
    });
    assert_eq!(w.one(failed(r2[0].id)), vec![]);
}

#[test]
fn a_refused_fax_is_a_failed_fax_and_old_actions_are_forgotten() {
    let mut w = World::demo();
    let (_, fax, _) = w.run_with_ids(Command::SendFax {
        user: user(2),
        destination: "0612345678".into(),
        size: 10,
    });
    assert_eq!(
        w.one(failed(fax[0].id)),
        vec![Event::FaxProgress {
            user: user(2),
            action: fax[0].id,
            status: FaxStatus::Failed,
            pages: None,
        }]
    );
    let (_, old, _) = w.run_with_ids(Command::SendFax {
        user: user(2),
        destination: "0612345678".into(),
        size: 10,
    });
    w.advance(ACTION_MEMORY.as_secs());
    assert_eq!(w.one(failed(old[0].id)), vec![], "past the action memory");
}
