//! `Table`: the live entities of one kind (lines, agents, queues) in id order, with an index by
//! id and the list of entities marked for refresh, so that an input re-derives only what it
//! touched (see `refresh.rs`).

use std::collections::HashMap;
use std::hash::Hash;

/// An entity a [`Table`] holds: it has an id and a refresh mark.
pub(crate) trait Row {
    /// The id type.
    type Id: Copy + Eq + Hash + Ord;
    /// The entity's id.
    fn id(&self) -> Self::Id;
    /// The entity's refresh mark.
    fn marked(&mut self) -> &mut bool;
}

/// Entities by id, and the positions of those marked for refresh.
#[derive(Debug)]
pub(crate) struct Table<T: Row> {
    list: Vec<T>,
    index: HashMap<T::Id, usize>,
    dirty: Vec<usize>,
}

impl<T: Row> Default for Table<T> {
    fn default() -> Self {
        Table {
            list: Vec::new(),
            index: HashMap::new(),
            dirty: Vec::new(),
        }
    }
}

impl<T: Row> Table<T> {
    /// A table of these entities (none marked).
    pub fn from_rows(mut list: Vec<T>) -> Self {
        list.sort_by_key(|r| r.id());
        let index = list.iter().enumerate().map(|(i, r)| (r.id(), i)).collect();
        Table {
            list,
            index,
            dirty: Vec::new(),
        }
    }

    /// An entity.
    pub fn get(&self, id: T::Id) -> Option<&T> {
        self.index.get(&id).map(|&i| &self.list[i])
    }

    /// An entity, to change it.
    pub fn get_mut(&mut self, id: T::Id) -> Option<&mut T> {
        self.index.get(&id).map(|&i| &mut self.list[i])
    }

    /// Every entity, by id.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.list.iter()
    }

    /// Marks an entity for refresh.
    pub fn mark(&mut self, id: T::Id) {
        if let Some(&i) = self.index.get(&id) {
            self.mark_at(i);
        }
    }

    fn mark_at(&mut self, i: usize) {
        let marked = self.list[i].marked();
        if !*marked {
            *marked = true;
            self.dirty.push(i);
        }
    }

    /// Takes the positions of the entities to refresh (hand the storage back with
    /// [`Table::restore_dirty`]).
    pub fn take_dirty(&mut self) -> Vec<usize> {
        std::mem::take(&mut self.dirty)
    }

    /// Gives back the (emptied) storage of a taken dirty list.
    pub fn restore_dirty(&mut self, mut spent: Vec<usize>) {
        spent.clear();
        if self.dirty.is_empty() {
            self.dirty = spent;
        }
    }

    /// An entity by position, clearing its refresh mark.
    pub fn at_mut(&mut self, i: usize) -> &mut T {
        let row = &mut self.list[i];
        *row.marked() = false;
        row
    }
}
