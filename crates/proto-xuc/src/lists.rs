//! Lists and configuration: `getList` (`queue` → `QueueList`, `agent` → `AgentList`,
//! `queuemember` → `QueueMemberList`, `basequeuemember` → `UsersQueueDefaultMembership`,
//! `agentgroup` → `AgentGroupList`, `meetme` → `ConferenceList`), `getConfig line` →
//! `LineConfig`, and `getAgentDirectory` → `AgentDirectory`. As with XuC, `getList queuemember`
//! and `getList meetme` also subscribe to the list's later changes (`QueueMember`,
//! `ConferenceList`). Each list goes as one message (apps may replace their list with it),
//! sent paced: a list longer than the socket's budget waits for an empty outbox rather than
//! cutting the socket off.

use serde::Serialize;

use crate::session::{Kicked, Session};
use crate::topic::Topic;
use crate::wire::input::ListKind;
use crate::wire::lists::*;
use crate::wire::output::{AgentStateOut, msg};

/// `getList`.
pub(crate) async fn get_list(s: &mut Session, kind: ListKind) -> Result<(), Kicked> {
    let ds = s.ds();
    match kind {
        ListKind::Queue => {
            let list: Vec<QueueConfigOut> = ds.queues().iter().map(Into::into).collect();
            s.reply_paced(msg::QUEUE_LIST, &list).await
        }
        ListKind::Agent => {
            let list: Vec<AgentConfigOut> = ds.agents().iter().map(Into::into).collect();
            s.reply_paced(msg::AGENT_LIST, &list).await
        }
        ListKind::AgentGroup => {
            let list: Vec<AgentGroupOut> = ds.agent_groups().iter().map(Into::into).collect();
            s.reply_paced(msg::AGENT_GROUP_LIST, &list).await
        }
        ListKind::BaseQueueMember => {
            s.reply_paced(
                msg::USERS_QUEUE_DEFAULT_MEMBERSHIP,
                &default_memberships(&ds),
            )
            .await
        }
        ListKind::QueueMember => {
            // Subscribe first, then read: a change after the read is pushed after the list.
            if !s.queue_members {
                s.queue_members = true;
                s.fanout.subscribe(s.id, Topic::QueueMembers).await;
            }
            let list = s
                .shared
                .core
                .read(|st| {
                    st.queue_members()
                        .map(QueueMemberOut::from)
                        .collect::<Vec<_>>()
                })
                .await
                .unwrap_or_default();
            s.reply_paced(msg::QUEUE_MEMBER_LIST, &list).await
        }
        ListKind::Meetme => {
            if !s.conferences {
                s.conferences = true;
                s.fanout.subscribe(s.id, Topic::Conferences).await;
            }
            let rooms = s
                .shared
                .core
                .read(|st| st.conferences())
                .await
                .unwrap_or_else(|_| Vec::new().into());
            s.reply_paced(msg::CONFERENCE_LIST, &conference_list(&ds, &rooms))
                .await
        }
    }
}

/// `getConfig line`: the user's line (`id` `"-"` when the user has none: XiVO Assistant then
/// logs out, as with XuC).
pub(crate) async fn line_config(s: &Session) -> Result<(), Kicked> {
    let ds = s.ds();
    let config = match ds.line_of_user(s.user) {
        Some(line) => LineConfigOut {
            id: line.id.0.into(),
            name: &line.name,
            number: &line.number,
            context: &line.context,
            password: "",
            xivo_ip: "",
            sip_proxy_name: "default",
            web_rtc: false,
            has_device: true,
            vendor: "",
        },
        None => LineConfigOut {
            id: "-".into(),
            name: "",
            number: "",
            context: "",
            password: "",
            xivo_ip: "",
            sip_proxy_name: "default",
            web_rtc: false,
            has_device: false,
            vendor: "",
        },
    };
    s.reply(msg::LINE_CONFIG, &config)
}

/// An entry of `AgentDirectory`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DirectoryEntry<'a> {
    agent: AgentConfigOut<'a>,
    agent_state: AgentStateOut<'a>,
}

/// `AgentDirectory` payload.
#[derive(Serialize)]
struct Directory<'a> {
    directory: Vec<DirectoryEntry<'a>>,
}

/// `getAgentDirectory`: every agent's configuration with its state.
pub(crate) async fn agent_directory(s: &Session) -> Result<(), Kicked> {
    let ds = s.ds();
    let now = s.now();
    let statuses = s
        .shared
        .core
        .read(|st| st.agent_statuses().cloned().collect::<Vec<_>>())
        .await
        .unwrap_or_default();
    let directory = statuses
        .iter()
        .filter_map(|status| {
            Some(DirectoryEntry {
                agent: ds.agent(status.agent)?.into(),
                agent_state: AgentStateOut::new(status, now),
            })
        })
        .collect();
    s.reply_paced(msg::AGENT_DIRECTORY, &Directory { directory })
        .await
}
