//! Sending a fax on behalf of a user: `FaxProgress PreSend` once the destination is known to
//! answer, `Success` (with `ceil(size / fax_page_bytes)` pages) after `fax_delay`; `Failed`
//! at once when the destination is not in the numbering plan, busy, unreachable, never answers,
//! or is a line that cannot take calls. No channel is shown for the fax transmission.

use ctid_core::dataset::Destination;
use ctid_core::ids::{ActionId, UserId};
use ctid_core::pbx::{FaxStatus, PbxEvent};

use crate::sim::Sim;
use crate::timers::Timer;

impl Sim {
    /// Sends a fax.
    pub fn send_fax(&mut self, action: ActionId, user: UserId, destination: &str, size: usize) {
        let reachable = match self.ds.resolve(destination) {
            Some(Destination::External(number)) => {
                !self.number_listed(&self.cfg.busy_numbers, &number)
                    && !self.number_listed(&self.cfg.unreachable_numbers, &number)
                    && !self.number_listed(&self.cfg.no_answer_numbers, &number)
            }
            Some(Destination::Line(line)) => self.line_reachable(line),
            _ => false,
        };
        if !reachable {
            self.emit(PbxEvent::FaxProgress {
                user,
                action,
                status: FaxStatus::Failed,
                pages: None,
            });
            return;
        }
        self.emit(PbxEvent::FaxProgress {
            user,
            action,
            status: FaxStatus::PreSend,
            pages: None,
        });
        let pages = fax_pages(size, self.cfg.fax_page_bytes);
        let at = self.now.plus(self.cfg.fax_delay);
        self.timers.set(
            at,
            Timer::FaxSent {
                user,
                action,
                pages,
            },
        );
    }

    /// Timer: a fax has been sent.
    pub fn fax_sent(&mut self, user: UserId, action: ActionId, pages: u32) {
        self.emit(PbxEvent::FaxProgress {
            user,
            action,
            status: FaxStatus::Success,
            pages: Some(pages),
        });
    }
}

/// Pages of a document: `ceil(size / page_bytes)`, at least one.
fn fax_pages(size: usize, page_bytes: usize) -> u32 {
    let pages = size.div_ceil(page_bytes.max(1)).max(1);
    u32::try_from(pages).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::fax_pages;

    #[test]
    fn pages_round_up() {
        assert_eq!(fax_pages(0, 50_000), 1);
        assert_eq!(fax_pages(50_000, 50_000), 1);
        assert_eq!(fax_pages(50_001, 50_000), 2);
        assert_eq!(fax_pages(120_000, 50_000), 3);
        assert_eq!(fax_pages(10, 0), 10);
    }
}
