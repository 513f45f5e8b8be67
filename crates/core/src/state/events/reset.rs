//! The PBX lost its state: forget every channel, bridge, waiting caller, conference member, ACD
//! call and transfer, then let the refresh pass emit what changed (lines go idle, agents
//! available...). Logins, memberships, pauses and wrap-up stay: the PBX reports them again if
//! they changed. Calls in progress end for the clients: each line channel gets a `Released`
//! phone event (no call-log entry: the call's end is unknown).

use crate::event::Event;
use crate::live::PhoneEventKind;
use crate::state::State;
use crate::state::lines::phone_event;

impl State {
    pub(super) fn on_reset(&mut self, out: &mut Vec<Event>) {
        let mut gone = self.channels.clear();
        gone.sort_by_key(|c| c.seq);
        for ch in &gone {
            if let Some(line) = ch.line.and_then(|l| self.lines.get(l)) {
                out.push(Event::Phone(phone_event(
                    PhoneEventKind::Released,
                    line,
                    ch,
                )));
            }
            if let Some((supervisor, agent)) = ch.spying {
                out.push(Event::Listen {
                    supervisor,
                    agent,
                    started: false,
                });
            }
        }
        self.lines.mark_all();
        let lines: Vec<_> = self.lines.iter().map(|l| l.id).collect();
        for id in lines {
            if let Some(l) = self.lines.get_mut(id) {
                l.channels.clear();
            }
        }
        let mut emptied = Vec::new();
        for q in self.queues.iter_mut() {
            if q.clear_entries() {
                emptied.push(q.id);
            }
        }
        for queue in emptied {
            out.push(Event::QueueEntries {
                queue,
                entries: std::sync::Arc::from(Vec::new()),
            });
            self.queues.mark(queue);
        }
        for state in self.rooms.clear() {
            out.push(Event::Conference(state));
        }
        let agents: Vec<_> = self.agents.iter().map(|a| a.status.agent).collect();
        for id in agents {
            if let Some(a) = self.agents.get_mut(id) {
                a.acd = None;
                a.ringing.clear();
            }
            self.agents.mark(id);
        }
        self.transfers.clear();
    }
}
