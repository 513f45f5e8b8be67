//! Screen-pop sheets: the profile's template filled with a call's variables, as the XML the Qt
//! client reads, zlib-compressed with a 4-byte big-endian length prefix (Qt `qUncompress`
//! format) and base64-encoded into `{class:"sheet", channel, serial:"xml", compressed:true,
//! payload}`. Also `call_form_result` (a form filled in from a sheet).

use std::io::{Read, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;

use ctid_core::dataset::{Dataset, SheetTemplate, SheetTrigger};
use ctid_core::live::{CallDirection, PhoneEvent};
use ctid_core::{Command, Timestamp};

use crate::errors::command_error;
use crate::session::{Session, SessionEnd};
use crate::wire::encode;
use crate::wire::input::CallFormResult;
use crate::wire::output::SheetOut;

/// The value of a template variable for a call event.
fn variable(name: &str, ds: &Dataset, ev: &PhoneEvent) -> String {
    match name {
        "xivo-calleridnum" | "xivo-calleridname" | "xivo-calledidnum" | "xivo-calledidname" => {
            let me = ev.user.and_then(|u| ds.user(u));
            let my_name = me.map(|u| u.fullname()).unwrap_or_default();
            let (caller, called) = match ev.direction {
                CallDirection::Incoming => (
                    (ev.other_dn.clone(), ev.other_name.clone()),
                    (ev.dn.clone(), my_name),
                ),
                CallDirection::Outgoing => (
                    (ev.dn.clone(), my_name),
                    (ev.other_dn.clone(), ev.other_name.clone()),
                ),
            };
            match name {
                "xivo-calleridnum" => caller.0,
                "xivo-calleridname" => caller.1,
                "xivo-calledidnum" => called.0,
                _ => called.1,
            }
        }
        "xivo-queuename" => ev
            .queue
            .and_then(|q| ds.queue(q))
            .map(|q| q.name.clone())
            .unwrap_or_default(),
        "xivo-agentnumber" => ev
            .user
            .and_then(|u| ds.agent_of_user(u))
            .map(|a| a.number.clone())
            .unwrap_or_default(),
        "xivo-uniqueid" => ev.uniqueid.to_string(),
        "xivo-origin" => {
            if ev.queue.is_some() {
                "queue".to_owned()
            } else if ev.external {
                "extern".to_owned()
            } else {
                "internal".to_owned()
            }
        }
        other => ev
            .user_data
            .iter()
            .find(|(k, _)| k == other)
            .map(|(_, v)| v.clone())
            .unwrap_or_default(),
    }
}

/// Replaces every `{name}` of a template value.
pub fn fill(template: &str, lookup: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) if !after[..end].contains('{') => {
                out.push_str(&lookup(&after[..end]));
                rest = &after[end + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Wraps text in CDATA, splitting any `]]>` it contains.
pub fn cdata(s: &str) -> String {
    format!("<![CDATA[{}]]>", s.replace("]]>", "]]]]><![CDATA[>"))
}

fn trigger_name(t: SheetTrigger) -> &'static str {
    match t {
        SheetTrigger::Dial => "dial",
        SheetTrigger::Link => "link",
        SheetTrigger::Unlink => "unlink",
    }
}

/// The sheet XML for a call event.
pub fn sheet_xml(
    ds: &Dataset,
    template: &SheetTemplate,
    ev: &PhoneEvent,
    trigger: SheetTrigger,
    channel: &str,
) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?><profile><user>");
    let internals = [
        ("ipbxid", "xivo".to_owned()),
        ("where", trigger_name(trigger).to_owned()),
        ("channel", channel.to_owned()),
        (
            "focus",
            if template.focus { "yes" } else { "no" }.to_owned(),
        ),
        ("zip", "1".to_owned()),
    ];
    for (name, value) in internals {
        xml.push_str(&format!(
            "<internal name=\"{name}\">{}</internal>",
            cdata(&value)
        ));
    }
    let mut fields: Vec<_> = template.fields.iter().collect();
    fields.sort_by_key(|f| f.order);
    for f in fields {
        let kind = match f.kind.as_str() {
            "systray_info" => "systray_info",
            "sheet_qtui" => "sheet_qtui",
            "action_info" => "action_info",
            _ => "sheet_info",
        };
        let value = fill(&f.value, |name| variable(name, ds, ev));
        xml.push_str(&format!(
            "<{kind} order=\"{:04}\" name=\"{}\" type=\"{}\">{}</{kind}>",
            f.order,
            escape_attr(&f.name),
            escape_attr(&f.field_type),
            cdata(&value)
        ));
    }
    xml.push_str("</user></profile>");
    xml
}

/// Compresses XML the way Qt's `qUncompress` expects it, then base64.
pub fn encode_payload(xml: &str) -> String {
    let mut enc = ZlibEncoder::new(
        Vec::with_capacity(xml.len() / 2 + 16),
        Compression::default(),
    );
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(xml.as_bytes());
    let compressed = enc.finish().unwrap_or_default();
    let len = u32::try_from(xml.len()).unwrap_or(u32::MAX);
    let mut raw = Vec::with_capacity(compressed.len() + 4);
    raw.extend_from_slice(&len.to_be_bytes());
    raw.extend_from_slice(&compressed);
    STANDARD.encode(raw)
}

/// Decodes a sheet payload back to its XML (for tools and tests); `None` if it is malformed or
/// its length prefix does not match.
pub fn decode_payload(payload: &str) -> Option<String> {
    let raw = STANDARD.decode(payload).ok()?;
    if raw.len() < 4 {
        return None;
    }
    let len = u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]) as usize;
    let mut xml = String::new();
    ZlibDecoder::new(&raw[4..])
        .take(len as u64 + 1)
        .read_to_string(&mut xml)
        .ok()?;
    (xml.len() == len).then_some(xml)
}

/// The trigger a phone event matches, if any.
pub fn trigger_of(ev: &PhoneEvent) -> Option<SheetTrigger> {
    use ctid_core::live::PhoneEventKind as K;
    match ev.kind {
        K::Ringing if ev.direction == CallDirection::Incoming => Some(SheetTrigger::Dial),
        K::Established => Some(SheetTrigger::Link),
        K::Released => Some(SheetTrigger::Unlink),
        _ => None,
    }
}

/// The encoded `sheet` message for an event, when the line's user has a template for it.
pub fn render_sheet(ds: &Dataset, ev: &PhoneEvent, now: Timestamp) -> Option<bytes::Bytes> {
    let trigger = trigger_of(ev)?;
    let user = ev.user?;
    let template = ds.profile_of_user(user)?.sheet.as_ref()?;
    if !template.triggers.contains(&trigger) {
        return None;
    }
    let channel = ev.channel.as_str();
    let xml = sheet_xml(ds, template, ev, trigger, channel);
    Some(encode(
        &SheetOut {
            class: "sheet",
            channel,
            serial: "xml",
            compressed: true,
            payload: encode_payload(&xml),
        },
        now,
    ))
}

/// `call_form_result`: hands the form's variables (without `XIVOFORM_`) to the core.
pub(crate) async fn call_form_result(
    s: &mut Session,
    msg: CallFormResult,
) -> Result<(), SessionEnd> {
    let variables = msg
        .infos
        .variables
        .into_iter()
        .map(|(k, v)| {
            let k = k.strip_prefix("XIVOFORM_").map(str::to_owned).unwrap_or(k);
            (k, v.0)
        })
        .collect();
    let result = s
        .core
        .execute(Command::CallFormResult {
            user: s.user,
            variables,
        })
        .await;
    if let Err(e) = result {
        s.error("call_form_result", &command_error(&e, "")).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use ctid_core::ids::{LineId, QueueId, UniqueId, UserId};
    use ctid_core::live::PhoneEventKind;

    use super::*;

    fn ringing() -> PhoneEvent {
        PhoneEvent {
            kind: PhoneEventKind::Ringing,
            line: LineId(1),
            user: Some(UserId(1)),
            dn: "1001".into(),
            other_dn: "0230210083".into(),
            other_name: "Maricé ]]> Saprïtchà".into(),
            other_username: None,
            external: true,
            uniqueid: UniqueId::new("1700000000.7"),
            channel: "SIP/1001-00000007".into(),
            linkedid: UniqueId::new("1700000000.6"),
            queue: Some(QueueId(1)),
            direction: CallDirection::Incoming,
            user_data: Arc::new(vec![("USR_client".into(), "ACME".into())]),
        }
    }

    #[test]
    fn fills_variables() {
        let ds = Dataset::demo();
        let ev = ringing();
        let out = fill(
            "{xivo-calleridnum}|{xivo-calledidnum}|{xivo-calledidname}|{xivo-queuename}|{USR_client}|{nope}|{xivo-origin}|{",
            |n| variable(n, &ds, &ev),
        );
        assert_eq!(out, "0230210083|1001|Alice Arnaud|sales|ACME||queue|{");
    }

    /// The origin of a call that is not from a queue is the core's verdict on the other party,
    /// never re-derived from the number.
    #[test]
    fn origin_follows_the_core_external_flag() {
        let ds = Dataset::demo();
        let mut ev = ringing();
        ev.queue = None;
        assert_eq!(variable("xivo-origin", &ds, &ev), "extern");
        // A number the dialplan does not know, that the core still found internal (say, a
        // line's peer reached through a local channel).
        ev.external = false;
        assert_eq!(variable("xivo-origin", &ds, &ev), "internal");
    }

    #[test]
    fn sheet_round_trips_in_qt_format() {
        let ds = Dataset::demo();
        let ev = ringing();
        let bytes = render_sheet(&ds, &ev, Timestamp(1_000)).expect("alice's profile has a sheet");
        let msg: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(msg["class"], "sheet");
        assert_eq!(msg["serial"], "xml");
        assert_eq!(msg["compressed"], true);
        assert_eq!(msg["channel"], "SIP/1001-00000007");
        let xml = decode_payload(msg["payload"].as_str().unwrap()).unwrap();
        assert!(xml.starts_with(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><profile><user><internal name=\"ipbxid\"><![CDATA[xivo]]></internal><internal name=\"where\"><![CDATA[dial]]></internal>"
        ));
        assert!(xml.contains(
            "<sheet_info order=\"0010\" name=\"Caller\" type=\"title\"><![CDATA[Maricé ]]]]><![CDATA[> Saprïtchà]]></sheet_info>"
        ));
        assert!(xml.contains(
            "<sheet_info order=\"0030\" name=\"Queue\" type=\"text\"><![CDATA[sales]]></sheet_info>"
        ));
        assert!(xml.contains("<systray_info order=\"0020\" name=\"Number\" type=\"body\"><![CDATA[0230210083]]></systray_info>"));
        assert!(xml.ends_with("</user></profile>"));
        // The length prefix is the uncompressed size, big-endian.
        let raw = STANDARD.decode(msg["payload"].as_str().unwrap()).unwrap();
        assert_eq!(
            u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]) as usize,
            xml.len()
        );
    }

    #[test]
    fn no_sheet_without_template_or_trigger() {
        let ds = Dataset::demo();
        let mut ev = ringing();
        ev.user = Some(UserId(2)); // bob's profile has no sheet
        assert!(render_sheet(&ds, &ev, Timestamp(0)).is_none());
        let mut ev = ringing();
        ev.kind = PhoneEventKind::Established; // only "dial" is configured
        assert!(render_sheet(&ds, &ev, Timestamp(0)).is_none());
        let mut ev = ringing();
        ev.direction = CallDirection::Outgoing;
        assert!(render_sheet(&ds, &ev, Timestamp(0)).is_none());
    }
}
