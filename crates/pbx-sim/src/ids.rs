//! Asterisk-style identifiers: channel unique ids (`"1795371728.2"`: the epoch second the PBX
//! started, a dot, a counter), channel names (`SIP/1001-0000000a`, `SIP/trunk-0000000b`,
//! `Local/...-00000000;1`) and uuid-like bridge ids.

use ctid_core::ids::{BridgeId, UniqueId};
use rand::RngExt;
use rand::rngs::StdRng;

/// Hands out the PBX's identifiers.
#[derive(Debug)]
pub(crate) struct Ids {
    epoch: i64,
    next_unique: u64,
    next_sip: u32,
    next_local: u32,
}

impl Ids {
    /// Identifiers of a PBX started at `epoch` (whole seconds since 1970).
    pub(crate) fn new(epoch: i64) -> Ids {
        Ids {
            epoch,
            next_unique: 0,
            next_sip: 0,
            next_local: 0,
        }
    }

    /// A fresh channel unique id.
    pub(crate) fn unique(&mut self) -> UniqueId {
        let id = UniqueId::new(format!("{}.{}", self.epoch, self.next_unique));
        self.next_unique += 1;
        id
    }

    /// A fresh name for a SIP channel on `interface` (`SIP/1001` gives `SIP/1001-0000000a`).
    /// One counter serves every SIP channel, lines and trunk alike, as in chan_sip.
    pub(crate) fn sip_name(&mut self, interface: &str) -> String {
        let name = format!("{interface}-{:08x}", self.next_sip);
        self.next_sip = self.next_sip.wrapping_add(1);
        name
    }

    /// A fresh name for a PBX-internal channel (`Local/exten@default-00000000;1`).
    pub(crate) fn local_name(&mut self, exten: &str) -> String {
        let name = format!("Local/{exten}@default-{:08x};1", self.next_local);
        self.next_local = self.next_local.wrapping_add(1);
        name
    }

    /// A fresh bridge id, shaped like the uuids Asterisk gives its bridges.
    pub(crate) fn bridge(&mut self, rng: &mut StdRng) -> BridgeId {
        let a: u32 = rng.random();
        let b: u16 = rng.random();
        let c: u16 = rng.random();
        let d: u16 = rng.random();
        let e: u64 = rng.random();
        BridgeId::new(format!(
            "{a:08x}-{b:04x}-4{:03x}-{:04x}-{:012x}",
            c & 0x0fff,
            (d & 0x3fff) | 0x8000,
            e & 0xffff_ffff_ffff
        ))
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn ids_look_like_asterisk_ones() {
        let mut ids = Ids::new(1_795_371_728);
        assert_eq!(ids.unique().as_str(), "1795371728.0");
        assert_eq!(ids.unique().as_str(), "1795371728.1");
        for _ in 0..10 {
            ids.sip_name("SIP/1001");
        }
        assert_eq!(ids.sip_name("SIP/trunk"), "SIP/trunk-0000000a");
        assert_eq!(ids.local_name("1002"), "Local/1002@default-00000000;1");
        let mut rng = StdRng::seed_from_u64(7);
        let b = ids.bridge(&mut rng).to_string();
        assert_eq!(b.len(), 36);
        assert_eq!(b.matches('-').count(), 4);
    }
}
