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

    /// Adds an entity (replacing one with the same id); marks it for refresh.
    pub fn insert(&mut self, row: T) {
        let id = row.id();
        self.reshape(|list| {
            list.retain(|r| r.id() != id);
            let at = list.partition_point(|r| r.id() < id);
            list.insert(at, row);
        });
        self.mark(id);
    }

    /// Removes an entity; returns it.
    pub fn remove(&mut self, id: T::Id) -> Option<T> {
        let at = *self.index.get(&id)?;
        let mut removed = None;
        self.reshape(|list| removed = Some(list.remove(at)));
        removed
    }

    /// Changes the list, keeping the index and the refresh marks (which hold positions) right.
    fn reshape(&mut self, change: impl FnOnce(&mut Vec<T>)) {
        let marked: Vec<T::Id> = self.dirty.drain(..).map(|i| self.list[i].id()).collect();
        for row in &mut self.list {
            *row.marked() = false;
        }
        change(&mut self.list);
        self.index = self
            .list
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id(), i))
            .collect();
        for id in marked {
            self.mark(id);
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
