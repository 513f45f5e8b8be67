//! Chat messages between users (`chitchat`), of this node or, when a bus is attached
//! (`CoreConfig::remote_chat`), of another one ([`Event::ChatToRemote`]). The text is capped at [`MAX_CHAT_TEXT_BYTES`];
//! each sender (all their sessions together) has a budget of [`CHAT_BURST`] messages that
//! refills by one every [`CHAT_REFILL`] of the injected clock, so a sender can neither flood a
//! recipient nor the core; and the recipient is told the sender's configured name, never a name
//! the sender chose, so a message cannot pass itself off as another user's.

use std::sync::Arc;
use std::time::Duration;

use super::not_found;
use crate::command::{CommandError, Outcome};
use crate::event::Event;
use crate::ids::UserId;
use crate::remote::{MAX_REMOTE_ID_BYTES, RemoteUser};
use crate::state::State;
use crate::time::Timestamp;

/// Longest chat text accepted, in bytes.
pub const MAX_CHAT_TEXT_BYTES: usize = 4096;
/// Messages a sender may send at once after a quiet period.
pub const CHAT_BURST: u32 = 10;
/// Time after which a sender may send one more message.
pub const CHAT_REFILL: Duration = Duration::from_secs(1);

/// A sender's chat budget: a token bucket kept in milliseconds of refill time, so that it
/// refills continuously on the injected clock.
#[derive(Clone, Copy, Debug)]
pub(in crate::state) struct ChatBudget {
    /// Credit left, in ms (one message costs [`CHAT_REFILL`]).
    credit_ms: u64,
    /// When the credit was last brought up to date.
    updated: Timestamp,
}

impl ChatBudget {
    fn full(now: Timestamp) -> ChatBudget {
        ChatBudget {
            credit_ms: cost_ms() * u64::from(CHAT_BURST),
            updated: now,
        }
    }

    /// Spends one message's worth at `now`, or says how long until one is available.
    fn spend(&mut self, now: Timestamp) -> Result<(), Duration> {
        let elapsed = u64::try_from(now.since(self.updated).as_millis()).unwrap_or(u64::MAX);
        let max = cost_ms() * u64::from(CHAT_BURST);
        self.credit_ms = self.credit_ms.saturating_add(elapsed).min(max);
        if now.0 > self.updated.0 {
            self.updated = now;
        }
        match self.credit_ms.checked_sub(cost_ms()) {
            Some(left) => {
                self.credit_ms = left;
                Ok(())
            }
            None => Err(Duration::from_millis(cost_ms() - self.credit_ms)),
        }
    }
}

fn cost_ms() -> u64 {
    u64::try_from(CHAT_REFILL.as_millis()).unwrap_or(u64::MAX)
}

impl State {
    pub(super) fn chat(
        &mut self,
        now: Timestamp,
        from: UserId,
        to_xivo_uuid: &str,
        to_user_uuid: &str,
        text: String,
        out: &mut Vec<Event>,
    ) -> Result<Outcome, CommandError> {
        let dataset = Arc::clone(&self.dataset);
        let sender = self.user(from)?;
        let alias = sender.fullname();
        if text.len() > MAX_CHAT_TEXT_BYTES {
            return Err(CommandError::InvalidArgument {
                field: "text".to_owned(),
                reason: format!("longer than {MAX_CHAT_TEXT_BYTES} bytes"),
            });
        }
        let to = if to_xivo_uuid == dataset.xivo_uuid() {
            let to = dataset
                .user_by_uuid(to_user_uuid)
                .ok_or_else(|| not_found("user", to_user_uuid))?;
            Ok(to.id)
        } else if self.config.remote_chat {
            for (field, value) in [("to", to_xivo_uuid), ("to", to_user_uuid)] {
                if value.is_empty() || value.len() > MAX_REMOTE_ID_BYTES {
                    return Err(CommandError::InvalidArgument {
                        field: field.to_owned(),
                        reason: format!("empty or longer than {MAX_REMOTE_ID_BYTES} bytes"),
                    });
                }
            }
            Err(RemoteUser {
                node: Arc::from(to_xivo_uuid),
                uuid: Arc::from(to_user_uuid),
            })
        } else {
            return Err(not_found("xivo", to_xivo_uuid));
        };
        // Only well-formed messages to a real recipient spend the budget; the map holds at most
        // one entry per configured user.
        let budget = self
            .chat_budgets
            .entry(from)
            .or_insert_with(|| ChatBudget::full(now));
        if let Err(wait) = budget.spend(now) {
            return Err(CommandError::RateLimited(format!(
                "too many chat messages: next one in {} ms",
                wait.as_millis()
            )));
        }
        out.push(match to {
            Ok(to) => Event::Chat {
                from,
                to,
                alias,
                text,
            },
            Err(to) => Event::ChatToRemote {
                from,
                to,
                alias,
                text,
            },
        });
        Ok(Outcome::Done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_allows_a_burst_then_one_per_refill() {
        let t0 = Timestamp(1_000_000);
        let mut b = ChatBudget::full(t0);
        for _ in 0..CHAT_BURST {
            assert_eq!(b.spend(t0), Ok(()));
        }
        assert_eq!(b.spend(t0), Err(CHAT_REFILL));
        let half = t0.plus(CHAT_REFILL / 2);
        assert_eq!(b.spend(half), Err(CHAT_REFILL / 2));
        let one = t0.plus(CHAT_REFILL);
        assert_eq!(b.spend(one), Ok(()));
        assert!(b.spend(one).is_err());
        // A long silence refills the burst, not more.
        let later = one.plus(CHAT_REFILL * 1000);
        for _ in 0..CHAT_BURST {
            assert_eq!(b.spend(later), Ok(()));
        }
        assert!(b.spend(later).is_err());
        // A clock that goes back gives nothing.
        assert!(b.spend(t0).is_err());
    }
}
