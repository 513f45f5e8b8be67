//! The live channels' names and contexts, by unique id: what some actions need beyond the
//! unique id the core speaks in (ConfBridge actions take a channel name; a transfer's dialplan
//! context and a phone's NOTIFY come from the channel's interface).
//!
//! Filled from the raw events (`Newchannel`, `Rename`, `Hangup`) and the resync's
//! `CoreShowChannel` list; bounded (a channel past the bound is not kept: actions on it fall
//! back to its unique id).

use std::collections::HashMap;

use crate::message::AmiMessage;

/// Channels kept at most.
pub const MAX_CHANNELS: usize = 200_000;

/// A live channel's name and dialplan context.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChannelInfo {
    /// `SIP/1001-0000000a`.
    pub name: Box<str>,
    /// Its dialplan context when created.
    pub context: Box<str>,
}

impl ChannelInfo {
    /// The interface the channel belongs to: `SIP/1001` of `SIP/1001-0000000a`.
    pub fn interface(&self) -> &str {
        match self.name.rfind('-') {
            Some(at) if self.name[..at].contains('/') => &self.name[..at],
            _ => &self.name,
        }
    }
}

/// The live channels, by unique id.
#[derive(Debug, Default)]
pub struct Channels {
    by_uniqueid: HashMap<Box<str>, ChannelInfo>,
}

impl Channels {
    /// Follows one message from Asterisk.
    pub fn absorb(&mut self, message: &AmiMessage) {
        let Some(event) = message.event() else {
            return;
        };
        let Some(uniqueid) = message.get("Uniqueid") else {
            return;
        };
        match event {
            "Newchannel" | "CoreShowChannel" => {
                if self.by_uniqueid.len() >= MAX_CHANNELS
                    && !self.by_uniqueid.contains_key(uniqueid)
                {
                    return;
                }
                let info = ChannelInfo {
                    name: message.get("Channel").unwrap_or_default().into(),
                    context: message.get("Context").unwrap_or_default().into(),
                };
                self.by_uniqueid.insert(uniqueid.into(), info);
            }
            "Rename" => {
                if let (Some(info), Some(name)) =
                    (self.by_uniqueid.get_mut(uniqueid), message.get("Newname"))
                {
                    info.name = name.into();
                }
            }
            "Hangup" => {
                self.by_uniqueid.remove(uniqueid);
            }
            _ => {}
        }
    }

    /// The channel with this unique id.
    pub fn get(&self, uniqueid: &str) -> Option<&ChannelInfo> {
        self.by_uniqueid.get(uniqueid)
    }

    /// Forgets every channel (a new connection starts from the resync).
    pub fn clear(&mut self) {
        self.by_uniqueid.clear();
    }

    /// Channels known.
    pub fn len(&self) -> usize {
        self.by_uniqueid.len()
    }

    /// Whether no channel is known.
    pub fn is_empty(&self) -> bool {
        self.by_uniqueid.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_creation_rename_and_hangup() {
        let mut channels = Channels::default();
        channels.absorb(
            &AmiMessage::new()
                .with("Event", "Newchannel")
                .with("Channel", "SIP/1001-00000007")
                .with("Context", "internal")
                .with("Uniqueid", "1795371269.7"),
        );
        let info = channels.get("1795371269.7").unwrap();
        assert_eq!(info.interface(), "SIP/1001");
        assert_eq!(&*info.context, "internal");
        channels.absorb(
            &AmiMessage::new()
                .with("Event", "Rename")
                .with("Uniqueid", "1795371269.7")
                .with("Newname", "Local/7002@internal-00000001;1"),
        );
        assert_eq!(
            channels.get("1795371269.7").unwrap().interface(),
            "Local/7002@internal"
        );
        channels.absorb(
            &AmiMessage::new()
                .with("Event", "Hangup")
                .with("Uniqueid", "1795371269.7"),
        );
        assert!(channels.is_empty());
    }
}
