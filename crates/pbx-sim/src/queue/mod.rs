//! Call queues with automatic call distribution.
//!
//! A caller joins (`QueueCallerJoin`; the queue answers it), waits, and is offered to the
//! available members according to the queue's strategy (`strategy.rs`): each attempt rings the
//! chosen members for `member_timeout` seconds (`AgentCalled`, then `AgentRingNoAnswer` on
//! timeout or refusal) and, when nobody answered, the next attempt comes `retry` seconds later.
//! The first member to answer gets the call (`QueueCallerLeave`, `AgentConnect`; the others
//! stop ringing with cause 26); at the end of the conversation `AgentComplete` and the
//! member's wrap-up follow. A caller who hangs up while waiting abandons
//! (`QueueCallerAbandon`, `QueueCallerLeave`); `max_wait`, `joinempty` and `leaveempty` apply.
//!
//! A member is available when its agent is logged in on a registered, enabled line with no call
//! in progress, not paused in the queue and not in wrap-up. Waiting callers are offered at the
//! end of every step, so a member who becomes available (unpause, wrap-up over, login, call
//! ended) is offered the oldest waiting caller at once; a caller between two attempts waits for
//! its `retry` pause to end.
//!
//! Files: `live` (the live state of a queue: members, waiting callers, answered calls), `join`
//! (a caller enters), `offer` (waiting callers offered to available members), `attempt` (an
//! attempt nobody answered, the pause before the next), `answer` (a member answers; the call's
//! end), `leave` (callers leave: abandon, timeout, sent away; rings cancelled).

mod answer;
mod attempt;
mod join;
mod leave;
mod live;
mod offer;

pub(crate) use live::{Member, QueueCall, QueueRt};
