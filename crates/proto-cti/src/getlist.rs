//! `getlist`: the lists of configured objects (`listid`), one object's configuration
//! (`updateconfig`) and status (`updatestatus`), with the field names of xivo-ctid (notes §3.1).
//! An unknown id gets an empty `config`/`status` so the Qt client still finishes loading. Under
//! the `subscribed` push policy the first request about a list joins the session to that list's
//! push topic (under the default policy it is on every list from login).

use bytes::Bytes;

use ctid_core::dataset::Dataset;
use ctid_core::ids::{AgentId, LineId, QueueId, RoomId, UserId, VoicemailId};
use ctid_core::live::QueueMemberStatus;

use crate::config_pushes::{
    agent_config, meetme_config, phone_config, queue_config, user_config, voicemail_config,
};
use crate::render::{
    agent_status_default, agent_status_out, queue_member_fields, queue_member_tid,
    user_services_config,
};
use crate::session::{Session, SessionEnd};
use crate::wire::encode;
use crate::wire::encode::{encode_prefix, with_timenow};
use crate::wire::input::{GetList, GetListFunction, ListName};
use crate::wire::lenient::Id;
use crate::wire::output::*;

/// Serves a `getlist` request.
pub(crate) async fn handle(s: &mut Session, m: GetList) -> Result<(), SessionEnd> {
    s.join_list(m.list).await;
    let result = match m.function {
        GetListFunction::ListId => list_ids(s, m.list).await,
        GetListFunction::UpdateConfig(tid) => config(s, m.list, &tid).await,
        GetListFunction::UpdateStatus(tid) => status(s, m.list, &tid).await,
    };
    match result {
        Some(bytes) => s.send(bytes).await,
        None => s.error("getlist", "service_unavailable").await,
    }
}

fn sorted<T: Ord + ToString>(mut ids: Vec<T>) -> Vec<String> {
    ids.sort();
    ids.iter().map(ToString::to_string).collect()
}

async fn list_ids(s: &Session, list: ListName) -> Option<Bytes> {
    if list == ListName::QueueMembers {
        let ids = s
            .core
            .read(|st| {
                let ds = st.dataset();
                let mut keys: Vec<_> = st.queue_members().map(|m| (m.queue, m.agent)).collect();
                keys.sort();
                keys.into_iter()
                    .filter_map(|(q, a)| queue_member_tid(ds, q, a))
                    .collect::<Vec<_>>()
            })
            .await
            .ok()?;
        return Some(encode(&list_id_reply(list, &ids), s.now()));
    }
    // The other lists come from the dataset: encode them once per version of it (a
    // configuration change makes a new version, so the cached reply is re-encoded).
    let ds = s.ds();
    let slot = &s.shared.list_ids[ListName::ALL.iter().position(|l| *l == list)?];
    let mut cached = slot.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((version, prefix)) = &*cached
        && *version == ds.version()
    {
        return Some(with_timenow(prefix, s.now()));
    }
    let prefix = {
        let ids = match list {
            ListName::Users => sorted(ds.users().iter().map(|u| u.id).collect()),
            ListName::Phones => sorted(ds.lines().iter().map(|l| l.id).collect()),
            ListName::Agents => sorted(ds.agents().iter().map(|a| a.id).collect()),
            ListName::Queues => sorted(ds.queues().iter().map(|q| q.id).collect()),
            ListName::Voicemails => sorted(ds.voicemails().iter().map(|v| v.id).collect()),
            ListName::Meetmes | ListName::QueueMembers => {
                sorted(ds.rooms().iter().map(|r| r.id).collect())
            }
        };
        encode_prefix(&list_id_reply(list, &ids))
    };
    let reply = with_timenow(&prefix, s.now());
    *cached = Some((ds.version(), prefix));
    Some(reply)
}

fn list_id_reply(list: ListName, ids: &[String]) -> ListIdReply<'_> {
    ListIdReply {
        class: "getlist",
        function: "listid",
        listname: list.as_str(),
        tipbxid: IPBXID,
        list: ids,
    }
}

/// Parses a `queuemembers` id (`Agent/<number>,<queue name>`).
pub fn parse_queue_member_tid(ds: &Dataset, tid: &str) -> Option<(QueueId, AgentId)> {
    let (member, queue) = tid.split_once(',')?;
    let number = member
        .strip_prefix("Agent/")
        .or_else(|| member.strip_prefix("agent/"))?;
    let agent = ds.agent_by_number(number)?;
    let queue = ds.queue_by_name(queue)?;
    Some((queue.id, agent.id))
}

async fn member_status(s: &Session, tid: &Id) -> Option<Option<QueueMemberStatus>> {
    let Some((q, a)) = parse_queue_member_tid(&s.ds(), tid.as_str()) else {
        return Some(None);
    };
    s.core
        .read(move |st| st.queue_member(q, a).cloned())
        .await
        .ok()
}

async fn config(s: &Session, list: ListName, tid: &Id) -> Option<Bytes> {
    let ds = s.ds().clone();
    let now = s.now();
    let name = list.as_str();
    let t = tid.as_str();
    let n = tid.as_u32();
    let b = match list {
        ListName::Users => match n.and_then(|i| ds.user(UserId(i))) {
            Some(u) => {
                let id = u.id;
                let live = s
                    .core
                    .read(move |st| st.user_services(id).cloned())
                    .await
                    .ok()?;
                let services = live.unwrap_or_else(|| u.services.clone());
                encode(
                    &ObjectReply::config(
                        name,
                        t,
                        user_config(&ds, u, user_services_config(&services)),
                    ),
                    now,
                )
            }
            None => encode(&ObjectReply::config(name, t, Empty {}), now),
        },
        ListName::Phones => match n.and_then(|i| phone_config(&ds, LineId(i))) {
            Some(c) => encode(&ObjectReply::config(name, t, c), now),
            None => encode(&ObjectReply::config(name, t, Empty {}), now),
        },
        ListName::Agents => match n.and_then(|i| agent_config(&ds, AgentId(i))) {
            Some(c) => encode(&ObjectReply::config(name, t, c), now),
            None => encode(&ObjectReply::config(name, t, Empty {}), now),
        },
        ListName::Queues => match n.and_then(|i| queue_config(&ds, QueueId(i))) {
            Some(c) => encode(&ObjectReply::config(name, t, c), now),
            None => encode(&ObjectReply::config(name, t, Empty {}), now),
        },
        ListName::Voicemails => match n.and_then(|i| voicemail_config(&ds, VoicemailId(i))) {
            Some(c) => encode(&ObjectReply::config(name, t, c), now),
            None => encode(&ObjectReply::config(name, t, Empty {}), now),
        },
        ListName::Meetmes => match n.and_then(|i| meetme_config(&ds, RoomId(i))) {
            Some(c) => encode(&ObjectReply::config(name, t, c), now),
            None => encode(&ObjectReply::config(name, t, Empty {}), now),
        },
        ListName::QueueMembers => match member_status(s, tid).await? {
            Some(m) => encode(
                &ObjectReply::config(name, t, queue_member_fields(&ds, &m)),
                now,
            ),
            None => encode(&ObjectReply::config(name, t, Empty {}), now),
        },
    };
    Some(b)
}

async fn status(s: &Session, list: ListName, tid: &Id) -> Option<Bytes> {
    let ds = s.ds().clone();
    let now = s.now();
    let name = list.as_str();
    let t = tid.as_str();
    let n = tid.as_u32();
    let empty = || encode(&ObjectReply::status(name, t, Empty {}), now);
    let b = match list {
        ListName::Users => match n.and_then(|i| ds.user(UserId(i))) {
            Some(u) => {
                let id = u.id;
                let presence = s
                    .core
                    .read(move |st| st.user_presence(id).map(|p| p.status.clone()))
                    .await
                    .ok()?
                    .unwrap_or_else(|| "disconnected".to_owned());
                encode(
                    &ObjectReply::status(
                        name,
                        t,
                        UserStatus {
                            availstate: &presence,
                        },
                    ),
                    now,
                )
            }
            None => empty(),
        },
        ListName::Phones => match n.and_then(|i| ds.line(LineId(i))) {
            Some(l) => {
                let id = l.id;
                let hint = s.core.read(move |st| st.line_hint(id)).await.ok()?;
                encode(
                    &ObjectReply::status(
                        name,
                        t,
                        PhoneStatus {
                            hintstatus: hint.code().to_string(),
                        },
                    ),
                    now,
                )
            }
            None => empty(),
        },
        ListName::Agents => match n.and_then(|i| ds.agent(AgentId(i))) {
            Some(a) => {
                let id = a.id;
                let live = s
                    .core
                    .read(move |st| st.agent_status(id).cloned())
                    .await
                    .ok()?;
                let out = match live {
                    Some(st) => agent_status_out(&st, &ds),
                    None => agent_status_default(
                        now,
                        ds.queues_of_agent(id)
                            .map(|(q, _)| q.id.to_string())
                            .collect(),
                    ),
                };
                encode(&ObjectReply::status(name, t, out), now)
            }
            None => empty(),
        },
        ListName::Queues => match n.and_then(|i| ds.queue(QueueId(i))) {
            Some(q) => {
                let id = q.id;
                let mut agents: Vec<AgentId> = s
                    .core
                    .read(move |st| {
                        st.queue_members()
                            .filter(|m| m.queue == id)
                            .map(|m| m.agent)
                            .collect()
                    })
                    .await
                    .ok()?;
                agents.sort();
                encode(
                    &ObjectReply::status(
                        name,
                        t,
                        QueueStatusOut {
                            agentmembers: agents.iter().map(|a| a.to_string()).collect(),
                            phonemembers: Vec::new(),
                        },
                    ),
                    now,
                )
            }
            None => empty(),
        },
        ListName::Voicemails => match n.and_then(|i| ds.voicemail(VoicemailId(i))) {
            Some(v) => {
                let id = v.id;
                let counts = s.core.read(move |st| st.voicemail_counts(id)).await.ok()?;
                encode(
                    &ObjectReply::status(name, t, VoicemailStatus { new: counts.new }),
                    now,
                )
            }
            None => empty(),
        },
        ListName::Meetmes => empty(),
        ListName::QueueMembers => match member_status(s, tid).await? {
            Some(m) => encode(
                &ObjectReply::status(name, t, queue_member_fields(&ds, &m)),
                now,
            ),
            None => empty(),
        },
    };
    Some(b)
}
