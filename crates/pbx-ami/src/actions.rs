//! The core's [`PbxAction`]s as AMI actions: what to send for each, and what answer to expect.
//!
//! Channels are named by their unique id (Asterisk looks a `Channel` up by name, then by unique
//! id), but where an action needs the name itself (ConfBridge) or the channel's phone (the
//! NOTIFY that answers, holds or resumes on the phone). Agents are queue members through a
//! `Local` channel into the `agent_context` (`Local/2001@agents/n`, its state from
//! `Agent:2001`), as app_agent_pool wants; agents log in through an originate of
//! `AgentLogin` on their phone; listening is an originate of `ChanSpy`; users' services are
//! written to AstDB (`DBPut`) for the dialplan ([`crate::services`]).

use ctid_core::Dataset;
use ctid_core::dataset::Line;
use ctid_core::ids::{AgentId, LineId, QueueId};
use ctid_core::live::Party;
use ctid_core::pbx::{OriginateFrom, PbxAction};

use crate::channels::Channels;
use crate::config::AmiConfig;
use crate::message::AmiMessage;

/// What answer an AMI action waits for.
#[derive(Clone, Debug, PartialEq)]
pub enum Expect {
    /// `Response: Success` (nothing to report) or `Error` (reported failed).
    Response,
    /// `Response: Success`, then the `OriginateResponse` event.
    Originate {
        /// Report the result as `OriginateResult` (a call the core placed); otherwise only a
        /// failure is reported, as `ActionFailed` (agent login, listen).
        report: bool,
    },
    /// `QueueAdd`: `Success`, or an error saying the member is already there, then this
    /// `QueuePenalty` is sent instead.
    AddOrPenalty(AmiMessage),
}

/// One AMI action to send (without its `ActionID`, added when sent).
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The action.
    pub message: AmiMessage,
    /// What answers it.
    pub expect: Expect,
}

/// What to do for one of the core's actions.
#[derive(Clone, Debug, PartialEq)]
pub enum Plan {
    /// Send these actions (none: nothing to do, nothing to answer).
    Send(Vec<Step>),
    /// Refuse at once with this reason (`ActionFailed`).
    Refuse(String),
}

fn send(message: AmiMessage) -> Plan {
    Plan::Send(vec![Step {
        message,
        expect: Expect::Response,
    }])
}

/// The AMI actions for `action`.
pub fn plan(
    action: &PbxAction,
    dataset: &Dataset,
    channels: &Channels,
    config: &AmiConfig,
) -> Plan {
    match action {
        PbxAction::Originate {
            from,
            destination,
            caller,
            variables,
            auto_answer,
        } => originate(
            dataset,
            config,
            from,
            destination,
            caller,
            variables,
            *auto_answer,
        ),
        PbxAction::Hangup { uniqueid } | PbxAction::CompleteTransfer { uniqueid } => send(
            // Completing an attended transfer is the transferer hanging up (as a phone does).
            AmiMessage::action("Hangup")
                .with("Channel", uniqueid.as_str())
                .with("Cause", "16"),
        ),
        PbxAction::Answer { uniqueid } | PbxAction::Unhold { uniqueid } => {
            phone_notify(dataset, channels, uniqueid.as_str(), "talk")
        }
        PbxAction::Hold { uniqueid } => phone_notify(dataset, channels, uniqueid.as_str(), "hold"),
        PbxAction::Pickup { waiting, line } => match dataset.line(*line) {
            Some(line) => send(
                AmiMessage::action("Redirect")
                    .with("Channel", waiting.as_str())
                    .with("Context", &line.context)
                    .with("Exten", &line.number)
                    .with("Priority", "1"),
            ),
            None => unknown_line(*line),
        },
        PbxAction::BlindTransfer {
            uniqueid,
            destination,
        } => send(
            AmiMessage::action("BlindTransfer")
                .with("Channel", uniqueid.as_str())
                .with("Exten", destination)
                .with("Context", &context_of(dataset, channels, uniqueid.as_str())),
        ),
        PbxAction::AttendedTransfer {
            uniqueid,
            destination,
        } => send(
            AmiMessage::action("Atxfer")
                .with("Channel", uniqueid.as_str())
                .with("Exten", destination)
                .with("Context", &context_of(dataset, channels, uniqueid.as_str())),
        ),
        PbxAction::CancelTransfer { uniqueid } => {
            send(AmiMessage::action("CancelAtxfer").with("Channel", uniqueid.as_str()))
        }
        PbxAction::MergeConference { .. } => Plan::Refuse(
            "turning a transfer into a conference is not available with Asterisk".to_owned(),
        ),
        PbxAction::SetVariable {
            uniqueid,
            name,
            value,
        } => send(
            AmiMessage::action("Setvar")
                .with("Channel", uniqueid.as_str())
                .with("Variable", name)
                .with("Value", value),
        ),
        PbxAction::AgentLogin { agent, line } => {
            let (Some(agent_row), Some(line_row)) = (dataset.agent(*agent), dataset.line(*line))
            else {
                return unknown_agent_or_line(*agent, *line);
            };
            Plan::Send(vec![Step {
                message: AmiMessage::action("Originate")
                    .with("Channel", &line_row.interface())
                    .with("Application", "AgentLogin")
                    .with("Data", &format!("{},s", agent_row.number))
                    .with(
                        "CallerID",
                        &caller_id(&format!("Agent {}", agent_row.number), ""),
                    )
                    .with("Timeout", &config.originate_ring.as_millis().to_string())
                    .with("Async", "true"),
                expect: Expect::Originate { report: false },
            }])
        }
        PbxAction::AgentLogoff { agent } => match dataset.agent(*agent) {
            Some(agent) => send(AmiMessage::action("AgentLogoff").with("Agent", &agent.number)),
            None => Plan::Refuse(format!("unknown agent {agent}")),
        },
        PbxAction::QueueAdd {
            queue,
            agent,
            penalty,
        } => {
            let Some((queue_name, number)) = queue_and_agent(dataset, *queue, *agent) else {
                return unknown_queue_or_agent(*queue, *agent);
            };
            let interface = agent_interface(config, number);
            let penalty_msg = AmiMessage::action("QueuePenalty")
                .with("Interface", &interface)
                .with("Penalty", &penalty.to_string())
                .with("Queue", queue_name);
            Plan::Send(vec![Step {
                message: AmiMessage::action("QueueAdd")
                    .with("Queue", queue_name)
                    .with("Interface", &interface)
                    .with("Penalty", &penalty.to_string())
                    .with("Paused", "false")
                    .with("MemberName", &format!("Agent/{number}"))
                    .with("StateInterface", &format!("Agent:{number}")),
                expect: Expect::AddOrPenalty(penalty_msg),
            }])
        }
        PbxAction::QueueRemove { queue, agent } => {
            let Some((queue_name, number)) = queue_and_agent(dataset, *queue, *agent) else {
                return unknown_queue_or_agent(*queue, *agent);
            };
            send(
                AmiMessage::action("QueueRemove")
                    .with("Queue", queue_name)
                    .with("Interface", &agent_interface(config, number)),
            )
        }
        PbxAction::QueuePause {
            queue,
            agent,
            paused,
            reason,
        } => {
            let Some(agent_row) = dataset.agent(*agent) else {
                return Plan::Refuse(format!("unknown agent {agent}"));
            };
            let mut message = AmiMessage::action("QueuePause")
                .with("Interface", &agent_interface(config, &agent_row.number))
                .with("Paused", if *paused { "true" } else { "false" });
            if let Some(queue) = queue {
                match dataset.queue(*queue) {
                    Some(q) => message.push("Queue", &q.name),
                    None => return Plan::Refuse(format!("unknown queue {queue}")),
                }
            }
            if let Some(reason) = reason {
                message.push("Reason", reason);
            }
            send(message)
        }
        PbxAction::Listen { listener, target } => {
            let (Some(listener_row), Some(target_row)) =
                (dataset.line(*listener), dataset.line(*target))
            else {
                return Plan::Refuse(format!("unknown line {listener} or {target}"));
            };
            let mut message = AmiMessage::action("Originate")
                .with("Channel", &listener_row.interface())
                .with("Application", "ChanSpy")
                .with("Data", &format!("{},q", target_row.interface()))
                .with("CallerID", &caller_id("Listen", &target_row.number))
                .with("Timeout", &config.originate_ring.as_millis().to_string())
                .with("Async", "true");
            add_auto_answer(&mut message, listener_row);
            Plan::Send(vec![Step {
                message,
                expect: Expect::Originate { report: false },
            }])
        }
        PbxAction::ConferenceMute {
            room,
            uniqueid,
            muted,
        } => {
            let Some(room_row) = dataset.room(*room) else {
                return Plan::Refuse(format!("unknown conference room {room}"));
            };
            let channel = channel_name(channels, uniqueid.as_str());
            send(
                AmiMessage::action(if *muted {
                    "ConfbridgeMute"
                } else {
                    "ConfbridgeUnmute"
                })
                .with("Conference", &room_row.number)
                .with("Channel", channel),
            )
        }
        PbxAction::ConferenceKick { room, uniqueid } => match dataset.room(*room) {
            Some(room_row) => send(
                AmiMessage::action("ConfbridgeKick")
                    .with("Conference", &room_row.number)
                    .with("Channel", channel_name(channels, uniqueid.as_str())),
            ),
            None => Plan::Refuse(format!("unknown conference room {room}")),
        },
        PbxAction::SendDtmf { uniqueid, digits } => {
            // One PlayDTMF per digit, received on the channel as if its phone pressed the key:
            // the bridge carries it to the other party.
            let channel = channel_name(channels, uniqueid.as_str());
            Plan::Send(
                digits
                    .chars()
                    .map(|digit| Step {
                        message: AmiMessage::action("PlayDTMF")
                            .with("Channel", channel)
                            .with("Digit", digit.encode_utf8(&mut [0; 4]))
                            .with("Receive", "true"),
                        expect: Expect::Response,
                    })
                    .collect(),
            )
        }
        PbxAction::SetServices { user, services } => match dataset.line_of_user(*user) {
            Some(line) => Plan::Send(
                crate::services::writes(&line.number, services)
                    .into_iter()
                    .map(|message| Step {
                        message,
                        expect: Expect::Response,
                    })
                    .collect(),
            ),
            // No phone: nothing for the dialplan to route.
            None => Plan::Send(Vec::new()),
        },
        PbxAction::SendFax { .. } => {
            Plan::Refuse("sending faxes is not available with Asterisk".to_owned())
        }
        PbxAction::ConfigChanged { .. } => Plan::Send(Vec::new()),
    }
}

/// A channel's name when it is known (ConfBridge and PlayDTMF name channels), else its unique
/// id (which Asterisk also finds).
fn channel_name<'a>(channels: &'a Channels, uniqueid: &'a str) -> &'a str {
    channels.get(uniqueid).map_or(uniqueid, |c| &c.name)
}

/// The queue member interface of an agent: a `Local` channel into the agent context.
pub fn agent_interface(config: &AmiConfig, number: &str) -> String {
    format!("Local/{number}@{}/n", config.agent_context)
}

fn originate(
    dataset: &Dataset,
    config: &AmiConfig,
    from: &OriginateFrom,
    destination: &str,
    caller: &Party,
    variables: &[(String, String)],
    auto_answer: bool,
) -> Plan {
    let mut message = AmiMessage::action("Originate");
    match from {
        OriginateFrom::Line(id) => {
            let Some(line) = dataset.line(*id) else {
                return unknown_line(*id);
            };
            message.push("Channel", &line.interface());
            message.push("Context", &line.context);
        }
        OriginateFrom::Number(number) => {
            message.push(
                "Channel",
                &format!("Local/{number}@{}", config.outside_context),
            );
            message.push("Context", &config.outside_context);
        }
    }
    message.push("Exten", destination);
    message.push("Priority", "1");
    message.push("CallerID", &caller_id(&caller.name, &caller.number));
    message.push("Timeout", &config.originate_ring.as_millis().to_string());
    message.push("Async", "true");
    for (name, value) in variables {
        message.push("Variable", &format!("{name}={value}"));
    }
    if auto_answer
        && let OriginateFrom::Line(id) = from
        && let Some(line) = dataset.line(*id)
    {
        add_auto_answer(&mut message, line);
    }
    Plan::Send(vec![Step {
        message,
        expect: Expect::Originate { report: true },
    }])
}

/// Asks a chan_sip phone to answer by itself (`Call-Info: answer-after=0` on the INVITE).
fn add_auto_answer(message: &mut AmiMessage, line: &Line) {
    if line.protocol.eq_ignore_ascii_case("sip") {
        message.push(
            "Variable",
            "SIPADDHEADER51=Call-Info: <sip:ctid>;answer-after=0",
        );
    }
}

/// `"name" <number>`.
fn caller_id(name: &str, number: &str) -> String {
    let name = name.replace('"', "'");
    match (name.is_empty(), number.is_empty()) {
        (true, _) => format!("<{number}>"),
        (false, true) => format!("\"{name}\""),
        (false, false) => format!("\"{name}\" <{number}>"),
    }
}

/// A phone's NOTIFY (`Event: talk` answers or resumes, `Event: hold` holds on phones that
/// accept them), to the phone of the channel.
fn phone_notify(dataset: &Dataset, channels: &Channels, uniqueid: &str, event: &str) -> Plan {
    let Some(info) = channels.get(uniqueid) else {
        return Plan::Refuse(format!("unknown channel {uniqueid}"));
    };
    let interface = info.interface();
    let Some((tech, peer)) = interface.split_once('/') else {
        return Plan::Refuse(format!("channel {} is not a phone's", info.name));
    };
    if dataset.line_by_interface(interface).is_none() {
        return Plan::Refuse(format!("channel {} is not a phone's", info.name));
    }
    let variable = format!("Event={event}");
    match tech.to_ascii_uppercase().as_str() {
        "SIP" => send(
            AmiMessage::action("SIPnotify")
                .with("Channel", peer)
                .with("Variable", &variable),
        ),
        "PJSIP" => send(
            AmiMessage::action("PJSIPNotify")
                .with("Endpoint", peer)
                .with("Variable", &variable),
        ),
        _ => Plan::Refuse(format!("phones of {tech} cannot be driven from ctid")),
    }
}

/// The dialplan context a transfer from this channel dials in: its line's, else the channel's.
fn context_of(dataset: &Dataset, channels: &Channels, uniqueid: &str) -> String {
    let Some(info) = channels.get(uniqueid) else {
        return "default".to_owned();
    };
    match dataset.line_by_interface(info.interface()) {
        Some(line) => line.context.clone(),
        None if !info.context.is_empty() => info.context.to_string(),
        None => "default".to_owned(),
    }
}

fn queue_and_agent(dataset: &Dataset, queue: QueueId, agent: AgentId) -> Option<(&str, &str)> {
    Some((&dataset.queue(queue)?.name, &dataset.agent(agent)?.number))
}

fn unknown_line(line: LineId) -> Plan {
    Plan::Refuse(format!("unknown line {line}"))
}

fn unknown_agent_or_line(agent: AgentId, line: LineId) -> Plan {
    Plan::Refuse(format!("unknown agent {agent} or line {line}"))
}

fn unknown_queue_or_agent(queue: QueueId, agent: AgentId) -> Plan {
    Plan::Refuse(format!("unknown queue {queue} or agent {agent}"))
}

#[cfg(test)]
mod tests;
