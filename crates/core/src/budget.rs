//! The process-wide connection budget that every listener (CTI, HTTP, ...) draws from, so that
//! together they never use more file descriptors than the process has, and so that one
//! listener can never starve another: each listener owns a reserve of slots nobody else may
//! take, and the rest of the budget is shared, first come first served.

use std::sync::{Arc, Mutex};

#[derive(Debug)]
struct Pool {
    /// Free slots anyone may take.
    shared_free: usize,
    /// Free reserved slots, per listener.
    reserved_free: Vec<usize>,
}

/// The budget (cheap to clone: a handle).
#[derive(Clone, Debug)]
pub struct ConnectionBudget {
    pool: Arc<Mutex<Pool>>,
}

impl ConnectionBudget {
    /// A budget of `total` connections.
    pub fn new(total: usize) -> Self {
        ConnectionBudget {
            pool: Arc::new(Mutex::new(Pool {
                shared_free: total,
                reserved_free: Vec::new(),
            })),
        }
    }

    /// A budget with no limit (for tests and embedders that cap connections elsewhere).
    pub fn unlimited() -> Self {
        Self::new(usize::MAX / 2)
    }

    /// Registers a listener that keeps `reserved` slots of the budget for itself (fewer if the
    /// shared part has fewer left).
    pub fn listener(&self, reserved: usize) -> ListenerBudget {
        let mut pool = self.lock();
        let reserved = reserved.min(pool.shared_free);
        pool.shared_free -= reserved;
        pool.reserved_free.push(reserved);
        ListenerBudget {
            pool: self.pool.clone(),
            index: pool.reserved_free.len() - 1,
        }
    }

    /// Free slots in the shared part.
    pub fn shared_free(&self) -> usize {
        self.lock().shared_free
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pool> {
        self.pool.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One listener's access to the budget.
#[derive(Clone, Debug)]
pub struct ListenerBudget {
    pool: Arc<Mutex<Pool>>,
    index: usize,
}

impl ListenerBudget {
    /// A slot for one connection (from the listener's reserve first, then the shared part), or
    /// `None` when the budget is spent. The slot is returned when the permit drops.
    pub fn try_acquire(&self) -> Option<BudgetPermit> {
        let mut pool = self.pool.lock().unwrap_or_else(|e| e.into_inner());
        let from_reserve = if pool.reserved_free[self.index] > 0 {
            pool.reserved_free[self.index] -= 1;
            true
        } else if pool.shared_free > 0 {
            pool.shared_free -= 1;
            false
        } else {
            return None;
        };
        Some(BudgetPermit {
            pool: self.pool.clone(),
            reserve: from_reserve.then_some(self.index),
        })
    }
}

/// A connection's slot in the budget.
#[derive(Debug)]
pub struct BudgetPermit {
    pool: Arc<Mutex<Pool>>,
    reserve: Option<usize>,
}

impl Drop for BudgetPermit {
    fn drop(&mut self) {
        let mut pool = self.pool.lock().unwrap_or_else(|e| e.into_inner());
        match self.reserve {
            Some(i) => pool.reserved_free[i] += 1,
            None => pool.shared_free += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listener_cannot_take_another_ones_reserve() {
        let budget = ConnectionBudget::new(10);
        let cti = budget.listener(2);
        let http = budget.listener(3);
        assert_eq!(budget.shared_free(), 5);
        let cti_conns: Vec<_> = std::iter::from_fn(|| cti.try_acquire()).collect();
        assert_eq!(cti_conns.len(), 7, "its reserve and the whole shared part");
        let http_conns: Vec<_> = std::iter::from_fn(|| http.try_acquire()).collect();
        assert_eq!(http_conns.len(), 3, "the reserve is still there");
        drop(cti_conns);
        assert_eq!(budget.shared_free(), 5);
        drop(http_conns);
        assert_eq!(http.try_acquire().map(|p| p.reserve), Some(Some(1)));
    }
}
