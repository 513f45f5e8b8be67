//! `extensions.conf`: the numbering plan of the dataset (`ctid_core::dataset::dialplan`) in one
//! context, `ctid-dial`, that every configured context includes: a hint and an extension per
//! line, the queues, the conference rooms, voicemail (`*98` and `*97<mailbox>`), agents' login
//! and logoff (`*31<agent>`, `*32<agent>`), outside numbers; the agents' context where queue
//! members reach their agent (`AgentRequest`); the context calls from a trunk enter; and
//! `ctid-user`, the shipped dialplan that applies the services ctid writes to AstDB
//! (`crate::services`): unconditional forward, do not disturb, call filter (outside callers
//! only), call waiting, then on busy or no answer the matching forward, else voicemail.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use ctid_core::Dataset;
use ctid_core::dataset::Line;

use super::confbridge::{BRIDGE_PROFILE, MENU, USER_PROFILE};
use super::{
    AGENT_LOGIN_PREFIX, AGENT_LOGOFF_PREFIX, DIAL_CONTEXT, FROM_OUTSIDE_CONTEXT, GenerateError,
    Options, header, mailbox_of_line, token,
};
use crate::config::AmiConfig;

/// Seconds a phone rings when its user sets none.
pub const DEFAULT_RING_SECONDS: u32 = 30;

/// The text of `extensions.conf`.
pub fn generate(
    dataset: &Dataset,
    ami: &AmiConfig,
    options: &Options,
) -> Result<String, GenerateError> {
    let mut out = header(
        "extensions.conf",
        "the numbering plan, and the dialplan applying the services ctid keeps in AstDB",
    );
    out.push_str("\n[general]\nstatic = yes\nwriteprotect = yes\nclearglobalvars = yes\n");
    contexts(dataset, ami, &mut out)?;
    let _ = write!(out, "\n[{DIAL_CONTEXT}]\n");
    for line in dataset.lines() {
        line_extension(dataset, line, &mut out)?;
    }
    queues(dataset, &mut out)?;
    rooms(dataset, &mut out)?;
    voicemail(dataset, &mut out)?;
    agents_login(dataset, &mut out)?;
    outside(dataset, options, &mut out);
    agents_context(dataset, ami, &mut out)?;
    from_outside(&mut out);
    out.push_str(USER_DIALPLAN);
    Ok(out)
}

/// Every context the dataset names (lines, users, queues, rooms, boxes, agents) and the AMI
/// adapter's outside context, each including the numbering plan.
fn contexts(dataset: &Dataset, ami: &AmiConfig, out: &mut String) -> Result<(), GenerateError> {
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for line in dataset.lines() {
        names.insert(token(
            || format!("line {} context", line.id),
            &line.context,
        )?);
    }
    for user in dataset.users() {
        names.insert(token(
            || format!("user {} context", user.id),
            &user.context,
        )?);
    }
    for queue in dataset.queues() {
        names.insert(token(
            || format!("queue {} context", queue.id),
            &queue.context,
        )?);
    }
    for room in dataset.rooms() {
        names.insert(token(
            || format!("room {} context", room.id),
            &room.context,
        )?);
    }
    names.insert(token(
        || "[pbx.asterisk] outside_context".to_owned(),
        &ami.outside_context,
    )?);
    let agents = token(
        || "[pbx.asterisk] agent_context".to_owned(),
        &ami.agent_context,
    )?;
    for name in names {
        if name == agents || name == DIAL_CONTEXT {
            continue;
        }
        let _ = write!(out, "\n[{name}]\ninclude => {DIAL_CONTEXT}\n");
    }
    Ok(())
}

/// A line's hint and extension: its settings as channel variables, then `ctid-user`.
fn line_extension(dataset: &Dataset, line: &Line, out: &mut String) -> Result<(), GenerateError> {
    let number = token(|| format!("line {} number", line.id), &line.number)?;
    token(|| format!("line {} peer name", line.id), &line.name)?;
    let interface = line.interface();
    let _ = write!(
        out,
        "; line {id}\nexten => {number},hint,{interface}\n",
        id = line.id
    );
    if !line.enabled {
        let _ = writeln!(
            out,
            "exten => {number},1,Hangup(21)   ; the line is disabled"
        );
        return Ok(());
    }
    let ring = dataset
        .user_of_line(line.id)
        .and_then(|u| u.ring_seconds)
        .unwrap_or(DEFAULT_RING_SECONDS);
    let _ = writeln!(
        out,
        "exten => {number},1,Set(CTID_LINE={number})\n \
         same => n,Set(CTID_IFACE={interface})\n \
         same => n,Set(CTID_VM={vm})\n \
         same => n,Set(CTID_RING={ring})\n \
         same => n,Set(CTID_CALL_WAITING={cw})\n \
         same => n,Goto(ctid-user,s,1)",
        vm = mailbox_of_line(dataset, line).unwrap_or_default(),
        cw = u8::from(line.call_waiting),
    );
    Ok(())
}

fn queues(dataset: &Dataset, out: &mut String) -> Result<(), GenerateError> {
    for queue in dataset.queues() {
        let number = token(|| format!("queue {} number", queue.id), &queue.number)?;
        let name = token(|| format!("queue {} name", queue.id), &queue.name)?;
        let timeout = if queue.max_wait > 0 {
            queue.max_wait.to_string()
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "; queue {id}\nexten => {number},1,Answer()\n \
             same => n,Queue({name},t,,,{timeout})",
            id = queue.id,
        );
        if let Some(full) = &queue.full_destination {
            let full = token(|| format!("queue {} full_destination", queue.id), full)?;
            let _ = writeln!(
                out,
                " same => n,GotoIf($[\"${{QUEUESTATUS}}\" = \"FULL\"]?{DIAL_CONTEXT},{full},1)"
            );
        }
        out.push_str(" same => n,Hangup()\n");
    }
    Ok(())
}

fn rooms(dataset: &Dataset, out: &mut String) -> Result<(), GenerateError> {
    for room in dataset.rooms() {
        let number = token(|| format!("room {} number", room.id), &room.number)?;
        let _ = writeln!(
            out,
            "; conference room {} ({})",
            room.id,
            super::text(&room.name)
        );
        let _ = writeln!(out, "exten => {number},1,Answer()");
        if let Some(pin) = room.pin.as_deref().filter(|p| !p.is_empty()) {
            let pin = token(|| format!("room {} pin", room.id), pin)?;
            let _ = writeln!(out, " same => n,Authenticate({pin})");
        }
        let _ = writeln!(
            out,
            " same => n,ConfBridge({number},{BRIDGE_PROFILE},{USER_PROFILE},{MENU})\n \
             same => n,Hangup()"
        );
    }
    Ok(())
}

fn voicemail(dataset: &Dataset, out: &mut String) -> Result<(), GenerateError> {
    let plan = dataset.dialplan();
    let consult = token(
        || "dialplan voicemail_consult".to_owned(),
        &plan.voicemail_consult,
    )?;
    let deposit = token(
        || "dialplan voicemail_deposit_prefix".to_owned(),
        &plan.voicemail_deposit_prefix,
    )?;
    let _ = writeln!(
        out,
        "; voicemail: one's own box (the phone's CTID_MY_VM), and a message left in a box\n\
         exten => {consult},1,Answer()\n \
         same => n,GotoIf($[\"${{CTID_MY_VM}}\" = \"\"]?nobox)\n \
         same => n,VoiceMailMain(${{CTID_MY_VM}})\n \
         same => n,Hangup()\n \
         same => n(nobox),Playback(invalid)\n \
         same => n,Hangup()"
    );
    for vm in dataset.voicemails() {
        let mailbox = token(|| format!("voicemail {} mailbox", vm.id), &vm.mailbox)?;
        let context = token(|| format!("voicemail {} context", vm.id), &vm.context)?;
        let _ = writeln!(
            out,
            "exten => {deposit}{mailbox},1,Answer()\n \
             same => n,VoiceMail({mailbox}@{context},u)\n \
             same => n,Hangup()"
        );
    }
    Ok(())
}

fn agents_login(dataset: &Dataset, out: &mut String) -> Result<(), GenerateError> {
    out.push_str(
        "; agents: log in (the call stays up while logged in: hanging up logs off) and off\n",
    );
    for agent in dataset.agents() {
        let number = token(|| format!("agent {} number", agent.id), &agent.number)?;
        let _ = writeln!(
            out,
            "exten => {AGENT_LOGIN_PREFIX}{number},1,Answer()\n \
             same => n,AgentLogin({number},s)\n \
             same => n,Hangup()\n\
             exten => {AGENT_LOGOFF_PREFIX}{number},1,Answer()\n \
             same => n,System(asterisk -rx \"agent logoff {number}\")\n \
             same => n,Playback(agent-loggedoff)\n \
             same => n,Hangup()"
        );
    }
    Ok(())
}

/// Outside numbers as the numbering plan reads them: `+...`, `0...`, or at least
/// `external_min_digits` digits.
fn outside(dataset: &Dataset, options: &Options, out: &mut String) {
    let min = dataset.dialplan().external_min_digits.max(1);
    let dial = options.outside_dial.replace("{number}", "${EXTEN}");
    let long = format!("_{}.", "X".repeat(min - 1));
    out.push_str("; outside numbers\n");
    for pattern in ["_+X.", "_0X.", long.as_str()] {
        let _ = writeln!(
            out,
            "exten => {pattern},1,Dial({dial},,)\n same => n,Hangup()"
        );
    }
}

/// Where a queue reaches an agent member (`Local/<agent>@<agent_context>/n`).
fn agents_context(
    dataset: &Dataset,
    ami: &AmiConfig,
    out: &mut String,
) -> Result<(), GenerateError> {
    let _ = write!(
        out,
        "\n; queue members reach their agent here (app_agent_pool)\n[{}]\n",
        ami.agent_context
    );
    for agent in dataset.agents() {
        let number = token(|| format!("agent {} number", agent.id), &agent.number)?;
        let _ = writeln!(
            out,
            "exten => {number},1,AgentRequest({number})\n same => n,Hangup()"
        );
    }
    Ok(())
}

/// The context a trunk's calls enter: marked as from outside (the call filter refuses them).
fn from_outside(out: &mut String) {
    let _ = write!(
        out,
        "\n; calls from a trunk: set the trunk's context to this one\n\
         [{FROM_OUTSIDE_CONTEXT}]\n\
         exten => _[0-9+*#].,1,Set(__CTID_OUTSIDE=1)\n \
         same => n,Goto({DIAL_CONTEXT},${{EXTEN}},1)\n\
         exten => _[0-9+*#],1,Set(__CTID_OUTSIDE=1)\n \
         same => n,Goto({DIAL_CONTEXT},${{EXTEN}},1)\n"
    );
}

/// The services of the called user, read from AstDB (family `ctid/<line number>`).
const USER_DIALPLAN: &str = r#"
; a call to a user: the services ctid writes to AstDB (ctid/<line number>/...), applied in the
; embedded PBX's order: unconditional forward, do not disturb, call filter (outside callers),
; call waiting, the phone, then on busy or no answer the forward for it, else voicemail; at
; most 5 forwards in one call (a loop of forwards ends there)
[ctid-user]
exten => s,1,Set(CTID_DB=ctid/${CTID_LINE})
 same => n,Set(CTID_HOPS=$[0${CTID_HOPS} + 1])
 same => n,Set(CTID_FWD=${DB(${CTID_DB}/fwd_unc)})
 same => n,GotoIf($["${CTID_FWD}" != "" & ${CTID_HOPS} <= 5]?ctid-dial,${CTID_FWD},1)
 same => n,GotoIf($["${DB(${CTID_DB}/dnd)}" = "1"]?busy,1)
 same => n,GotoIf($["${CTID_OUTSIDE}" = "1" & "${DB(${CTID_DB}/incallfilter)}" = "1"]?busy,1)
 same => n,GotoIf($["${CALLERID(num)}" = "${CTID_LINE}"]?busy,1)
 same => n,Set(CTID_STATE=${DEVICE_STATE(${CTID_IFACE})})
 same => n,GotoIf($["${CTID_STATE}" = "UNAVAILABLE" | "${CTID_STATE}" = "INVALID"]?noanswer,1)
 same => n,GotoIf($[${CTID_CALL_WAITING} = 0 & ${REGEX("^(INUSE|BUSY|RINGING|RINGINUSE|ONHOLD)$" ${CTID_STATE})}]?busy,1)
 same => n,Dial(${CTID_IFACE},${CTID_RING})
 same => n,GotoIf($["${DIALSTATUS}" = "BUSY"]?busy,1)
 same => n,GotoIf($["${DIALSTATUS}" = "NOANSWER" | "${DIALSTATUS}" = "CHANUNAVAIL" | "${DIALSTATUS}" = "CONGESTION"]?noanswer,1)
 same => n,Hangup()
exten => busy,1,Set(CTID_FWD=${DB(${CTID_DB}/fwd_busy)})
 same => n,GotoIf($["${CTID_FWD}" != "" & ${CTID_HOPS} <= 5]?ctid-dial,${CTID_FWD},1)
 same => n,GotoIf($["${CTID_VM}" = "" | "${DB(${CTID_DB}/vm_enabled)}" = "0"]?nobox)
 same => n,VoiceMail(${CTID_VM},b)
 same => n,Hangup()
 same => n(nobox),Busy(5)
exten => noanswer,1,Set(CTID_FWD=${DB(${CTID_DB}/fwd_rna)})
 same => n,GotoIf($["${CTID_FWD}" != "" & ${CTID_HOPS} <= 5]?ctid-dial,${CTID_FWD},1)
 same => n,GotoIf($["${CTID_VM}" = "" | "${DB(${CTID_DB}/vm_enabled)}" = "0"]?nobox)
 same => n,VoiceMail(${CTID_VM},u)
 same => n,Hangup()
 same => n(nobox),Hangup(19)
"#;
