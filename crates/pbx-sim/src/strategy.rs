//! How a queue picks which available members to ring, per strategy. Pure functions over the
//! candidates, so each rule is tested on its own.
//!
//! - `ringall`: every available member at once;
//! - `leastrecent`: the member whose last call from this queue ended longest ago (never called
//!   first);
//! - `fewestcalls`: the member who took the fewest calls from this queue;
//! - `rrmemory`: round robin in configuration order, continuing after the member rung last;
//! - `random`: one member at random (seeded generator).
//!
//! Ties are broken by penalty (lower first) then configuration order. For the one-at-a-time
//! strategies, members already tried for this caller are passed over until every available
//! member has been tried, so a caller whose ring timed out goes to the next member.

use ctid_core::Timestamp;
use ctid_core::dataset::Strategy;
use ctid_core::ids::AgentId;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

/// An available member.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Candidate {
    /// The agent.
    pub agent: AgentId,
    /// Its penalty in the queue.
    pub penalty: u32,
    /// Its position in the queue's member list.
    pub order: usize,
    /// Calls taken from this queue.
    pub calls: u32,
    /// When its last call from this queue ended.
    pub last_call: Option<Timestamp>,
}

/// The members to ring now. `tried` are the members already rung for this caller;
/// `rr_last` the position of the member the queue rang last; `members` the queue's size.
pub(crate) fn pick(
    strategy: Strategy,
    candidates: &[Candidate],
    tried: &[AgentId],
    rr_last: Option<usize>,
    members: usize,
    rng: &mut StdRng,
) -> Vec<AgentId> {
    if candidates.is_empty() {
        return Vec::new();
    }
    let fresh: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| !tried.contains(&c.agent))
        .collect();
    let pool: Vec<&Candidate> = if fresh.is_empty() {
        candidates.iter().collect()
    } else {
        fresh
    };
    let tie = |c: &Candidate| (c.penalty, c.order);
    let chosen = match strategy {
        Strategy::Ringall => return candidates.iter().map(|c| c.agent).collect(),
        Strategy::Leastrecent => pool
            .iter()
            .min_by_key(|c| (c.last_call.map_or(i64::MIN, |t| t.0), tie(c)))
            .copied(),
        Strategy::Fewestcalls => pool.iter().min_by_key(|c| (c.calls, tie(c))).copied(),
        Strategy::Rrmemory => {
            let n = members.max(1);
            let start = rr_last.map_or(0, |last| last + 1);
            pool.iter()
                .min_by_key(|c| ((c.order + n - start % n) % n, tie(c)))
                .copied()
        }
        Strategy::Random => {
            let mut sorted = pool.clone();
            sorted.sort_by_key(|c| c.order);
            sorted.choose(rng).copied()
        }
    };
    chosen.map(|c| vec![c.agent]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    fn cand(agent: u32, order: usize, penalty: u32, calls: u32, last: Option<i64>) -> Candidate {
        Candidate {
            agent: AgentId(agent),
            penalty,
            order,
            calls,
            last_call: last.map(Timestamp),
        }
    }

    fn rng() -> StdRng {
        StdRng::seed_from_u64(1)
    }

    #[test]
    fn ringall_takes_everyone() {
        let c = vec![cand(1, 0, 0, 0, None), cand(2, 1, 5, 0, None)];
        assert_eq!(
            pick(Strategy::Ringall, &c, &[], None, 2, &mut rng()),
            vec![AgentId(1), AgentId(2)]
        );
    }

    #[test]
    fn leastrecent_prefers_never_called_then_oldest() {
        let c = vec![
            cand(1, 0, 0, 3, Some(500)),
            cand(2, 1, 0, 3, Some(100)),
            cand(3, 2, 0, 3, Some(900)),
        ];
        assert_eq!(
            pick(Strategy::Leastrecent, &c, &[], None, 3, &mut rng()),
            vec![AgentId(2)]
        );
        let c2 = vec![cand(1, 0, 0, 3, Some(500)), cand(4, 1, 0, 0, None)];
        assert_eq!(
            pick(Strategy::Leastrecent, &c2, &[], None, 2, &mut rng()),
            vec![AgentId(4)]
        );
    }

    #[test]
    fn fewestcalls_breaks_ties_by_penalty_then_order() {
        let c = vec![
            cand(1, 0, 2, 1, None),
            cand(2, 1, 1, 1, None),
            cand(3, 2, 1, 1, None),
            cand(4, 3, 0, 4, None),
        ];
        assert_eq!(
            pick(Strategy::Fewestcalls, &c, &[], None, 4, &mut rng()),
            vec![AgentId(2)]
        );
    }

    #[test]
    fn rrmemory_continues_after_the_last_rung() {
        let c = vec![
            cand(1, 0, 0, 0, None),
            cand(2, 1, 0, 0, None),
            cand(3, 2, 0, 0, None),
        ];
        let mut r = rng();
        assert_eq!(
            pick(Strategy::Rrmemory, &c, &[], None, 3, &mut r),
            vec![AgentId(1)]
        );
        assert_eq!(
            pick(Strategy::Rrmemory, &c, &[], Some(0), 3, &mut r),
            vec![AgentId(2)]
        );
        assert_eq!(
            pick(Strategy::Rrmemory, &c, &[], Some(2), 3, &mut r),
            vec![AgentId(1)]
        );
        // member 2 (order 1) unavailable: after 1 comes 3
        let c2 = vec![cand(1, 0, 0, 0, None), cand(3, 2, 0, 0, None)];
        assert_eq!(
            pick(Strategy::Rrmemory, &c2, &[], Some(0), 3, &mut r),
            vec![AgentId(3)]
        );
    }

    #[test]
    fn tried_members_are_passed_over_until_all_were_tried() {
        let c = vec![cand(1, 0, 0, 0, None), cand(2, 1, 0, 0, None)];
        assert_eq!(
            pick(
                Strategy::Fewestcalls,
                &c,
                &[AgentId(1)],
                None,
                2,
                &mut rng()
            ),
            vec![AgentId(2)]
        );
        assert_eq!(
            pick(
                Strategy::Fewestcalls,
                &c,
                &[AgentId(1), AgentId(2)],
                None,
                2,
                &mut rng()
            ),
            vec![AgentId(1)]
        );
    }

    #[test]
    fn random_is_seeded_and_picks_a_candidate() {
        let c = vec![
            cand(1, 0, 0, 0, None),
            cand(2, 1, 0, 0, None),
            cand(3, 2, 0, 0, None),
        ];
        let a: Vec<_> = (0..20)
            .map(|_| ())
            .scan(rng(), |r, _| {
                Some(pick(Strategy::Random, &c, &[], None, 3, r))
            })
            .collect();
        let b: Vec<_> = (0..20)
            .map(|_| ())
            .scan(rng(), |r, _| {
                Some(pick(Strategy::Random, &c, &[], None, 3, r))
            })
            .collect();
        assert_eq!(a, b);
        assert!(a.iter().all(|p| p.len() == 1));
        let distinct: std::collections::HashSet<_> = a.iter().map(|p| p[0]).collect();
        assert!(distinct.len() > 1, "20 draws should not all be equal");
    }
}
