//! The byte budget of one session's subscriptions (`[cti] max_subscription_bytes`): what the
//! topics joined through `subscribe` and `register_*_status_update` cost, and the join that
//! refuses a topic going over the budget (`subscription_limit`) or over the topic count
//! (`too_many_subscriptions`), keeping nothing of it.

use crate::fanout::Topic;
use crate::session::Session;

/// Bytes a subscription costs: the topic as the session and the fan-out index keep it, plus the
/// text it holds (the `xivo_uuid` and id of another server's object).
pub(crate) fn topic_bytes(topic: &Topic) -> usize {
    let text = match topic {
        Topic::Remote(_, uuid, id) => uuid.len() + id.len(),
        _ => 0,
    };
    std::mem::size_of::<Topic>() + text
}

/// The subscriptions of one session, measured once per request and kept up to date by
/// [`Budget::join`].
pub(crate) struct Budget {
    used: usize,
    max: usize,
}

impl Budget {
    /// The session's budget and what its subscriptions use now.
    pub fn of(s: &Session) -> Budget {
        Budget {
            used: s.topics.iter().map(topic_bytes).sum(),
            max: s.shared.config.max_subscription_bytes,
        }
    }

    /// Joins `topic` (a no-op if already joined), or says why not: the `error_string` to answer.
    pub async fn join(&mut self, s: &mut Session, topic: Topic) -> Result<(), &'static str> {
        if s.topics.contains(&topic) {
            return Ok(());
        }
        let cost = topic_bytes(&topic);
        if self.used + cost > self.max {
            return Err("subscription_limit");
        }
        if !s.join(topic).await {
            return Err("too_many_subscriptions");
        }
        self.used += cost;
        Ok(())
    }

    /// Leaves `topic`, giving back what it cost.
    pub async fn leave(&mut self, s: &mut Session, topic: Topic) {
        if s.topics.contains(&topic) {
            self.used = self.used.saturating_sub(topic_bytes(&topic));
            s.leave(topic).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::wire::input::StatusKind;

    #[test]
    fn a_topic_costs_its_size_and_the_text_it_holds() {
        let local = topic_bytes(&Topic::Meetme);
        assert!(local <= 48, "{local}");
        let remote = Topic::Remote(StatusKind::User, Arc::from("u".repeat(64)), Arc::from("7"));
        assert_eq!(topic_bytes(&remote), local + 65);
    }
}
