//! Codec tests on fragments of the real Asterisk 20 captures (`shared/data/ami/`).

use super::*;

/// The banner and login answer of a real session, CRLF as Asterisk sends it.
const LOGIN: &str = "Asterisk Call Manager/9.0.0\r\n\
Response: Success\r\nActionID: probe-001\r\nMessage: Authentication accepted\r\n\r\n";

/// A list answer (`PJSIPShowContacts` with no contact is an error in Asterisk 20).
const NO_CONTACTS: &str =
    "Response: Error\r\nActionID: probe-008\r\nMessage: No Contacts found\r\n\r\n";

/// An event with an empty value (`SystemName: `) and a repeated key.
const ORIGINATE: &str = "Action: Originate\r\nActionID: probe-025\r\nChannel: SIP/1001\r\n\
Context: internal\r\nExten: 5001\r\nPriority: 1\r\nCallerID: \"CTI Originate\" <9000>\r\n\
Timeout: 15000\r\nAsync: true\r\nVariable: CTI_TAG=orig1\r\nVariable: USR_X=y\r\n\r\n";

const ORIGINATE_RESPONSE: &str = "Event: OriginateResponse\r\nPrivilege: call,all\r\n\
Timestamp: 1795371270.290164\r\nActionID: probe-025\r\nResponse: Success\r\n\
Channel: SIP/1001-00000007\r\nContext: internal\r\nExten: 5001\r\nReason: 4\r\n\
Uniqueid: 1795371269.7\r\nCallerIDNum: 9000\r\nCallerIDName: CTI Originate\r\n\r\n";

fn decode_all(codec: &mut AmiCodec, bytes: &[u8]) -> Vec<AmiFrame> {
    let mut buf = BytesMut::from(bytes);
    let mut out = Vec::new();
    while let Some(frame) = codec.decode(&mut buf).unwrap() {
        out.push(frame);
    }
    while let Some(frame) = codec.decode_eof(&mut buf).unwrap() {
        out.push(frame);
    }
    out
}

fn messages(frames: Vec<AmiFrame>) -> Vec<AmiMessage> {
    frames
        .into_iter()
        .filter_map(|f| match f {
            AmiFrame::Message(m) => Some(m),
            AmiFrame::Banner(_) => None,
        })
        .collect()
}

#[test]
fn banner_then_blocks() {
    let mut codec = AmiCodec::new();
    let frames = decode_all(&mut codec, format!("{LOGIN}{NO_CONTACTS}").as_bytes());
    assert_eq!(
        frames[0],
        AmiFrame::Banner("Asterisk Call Manager/9.0.0".into())
    );
    let ms = messages(frames);
    assert_eq!(ms.len(), 2);
    assert_eq!(ms[0].kind(), Kind::Response("Success"));
    assert_eq!(ms[0].get("Message"), Some("Authentication accepted"));
    assert_eq!(ms[1].kind(), Kind::Response("Error"));
    assert_eq!(ms[1].action_id(), Some("probe-008"));
    assert_eq!(codec.skipped(), 0);
}

#[test]
fn banner_variants_and_bare_lf() {
    for banner in [
        "Asterisk Call Manager/9.0.0",
        "Asterisk Call Manager/1.1",
        "Asterisk Call Manager/2.10.6",
    ] {
        let mut codec = AmiCodec::new();
        let text = format!("{banner}\n{}", ORIGINATE_RESPONSE.replace("\r\n", "\n"));
        let frames = decode_all(&mut codec, text.as_bytes());
        assert_eq!(frames[0], AmiFrame::Banner(banner.into()));
        let ms = messages(frames);
        assert_eq!(ms.len(), 1);
        assert_eq!(ms[0].event(), Some("OriginateResponse"));
        assert_eq!(ms[0].get("Uniqueid"), Some("1795371269.7"));
        assert_eq!(ms[0].get("CallerIDName"), Some("CTI Originate"));
    }
}

#[test]
fn byte_by_byte_is_the_same_as_whole() {
    let text = format!("{LOGIN}{ORIGINATE_RESPONSE}{NO_CONTACTS}");
    let whole = decode_all(&mut AmiCodec::new(), text.as_bytes());
    let mut codec = AmiCodec::new();
    let mut buf = BytesMut::new();
    let mut split = Vec::new();
    for &b in text.as_bytes() {
        buf.put_u8(b);
        while let Some(frame) = codec.decode(&mut buf).unwrap() {
            split.push(frame);
        }
    }
    assert_eq!(split, whole);
    assert_eq!(whole.len(), 4);
}

#[test]
fn repeated_keys_and_empty_values_are_kept() {
    let text = format!("x\r\n{ORIGINATE}Response: Success\r\nSystemName: \r\nCoreRunUser:\r\n\r\n");
    let ms = messages(decode_all(&mut AmiCodec::new(), text.as_bytes()));
    assert_eq!(
        ms[0].get_all("Variable").collect::<Vec<_>>(),
        ["CTI_TAG=orig1", "USR_X=y"]
    );
    assert_eq!(ms[0].get("CallerID"), Some("\"CTI Originate\" <9000>"));
    assert_eq!(ms[1].get("SystemName"), Some(""));
    assert_eq!(ms[1].get("CoreRunUser"), Some(""));
}

#[test]
fn encoder_writes_what_the_decoder_reads() {
    let original = messages(decode_all(
        &mut AmiCodec::without_banner(Limits::default()),
        ORIGINATE.as_bytes(),
    ))
    .remove(0);
    let mut out = BytesMut::new();
    AmiCodec::new().encode(&original, &mut out).unwrap();
    assert_eq!(&out[..], ORIGINATE.as_bytes());
}

#[test]
fn encoder_does_not_let_a_value_inject_lines() {
    let evil = AmiMessage::action("Setvar")
        .with("Variable", "USR_X")
        .with("Value", "a\r\n\r\nAction: Hangup\r\nChannel: SIP/1001");
    let mut out = BytesMut::new();
    encode_message(&evil, &mut out);
    let ms = messages(decode_all(
        &mut AmiCodec::without_banner(Limits::default()),
        &out,
    ));
    assert_eq!(ms.len(), 1);
    assert_eq!(ms[0].len(), 3);
    assert!(
        ms[0]
            .get("Value")
            .unwrap()
            .starts_with("a    Action: Hangup")
    );
}

#[test]
fn asterisk_13_command_output_and_old_follows() {
    let new = "Response: Success\r\nActionID: probe-024\r\nMessage: Command output follows\r\n\
Output: Channel              Location     State   Application(Data)\r\n\
Output: 2 active channels\r\n\r\n";
    let old = "Response: Follows\r\nPrivilege: Command\r\nActionID: 7\r\n\
Channel              Location     State\r\nSIP/1001-0000 (None)    Up\r\n\r\n\
1 active channel\r\n--END COMMAND--\r\n\r\n";
    let ms = messages(decode_all(
        &mut AmiCodec::without_banner(Limits::default()),
        format!("{new}{old}{NO_CONTACTS}").as_bytes(),
    ));
    assert_eq!(ms.len(), 3);
    assert_eq!(ms[0].get_all("Output").count(), 2);
    assert_eq!(ms[1].kind(), Kind::Response("Follows"));
    assert_eq!(ms[1].action_id(), Some("7"));
    assert_eq!(
        ms[1].get_all("Output").collect::<Vec<_>>(),
        [
            "Channel              Location     State",
            "SIP/1001-0000 (None)    Up",
            "",
            "1 active channel"
        ]
    );
    assert_eq!(ms[2].action_id(), Some("probe-008"));
}

#[test]
fn garbage_is_skipped_to_the_next_blank_line() {
    let text = format!(
        "Asterisk Call Manager/9.0.0\r\nthis is not AMI\r\nnor: this?\r\n\r\n\u{0}\u{1}\u{ff}\r\n\r\n{NO_CONTACTS}"
    );
    let mut codec = AmiCodec::new();
    let ms = messages(decode_all(&mut codec, text.as_bytes()));
    assert_eq!(ms.len(), 1);
    assert_eq!(ms[0].action_id(), Some("probe-008"));
    assert_eq!(codec.skipped(), 2);
}

#[test]
fn oversized_line_and_block_are_skipped_in_bounded_memory() {
    let limits = Limits {
        max_line: 64,
        max_block_bytes: 256,
        max_block_lines: 8,
    };
    let mut codec = AmiCodec::with_limits(limits);
    let mut buf = BytesMut::from(&b"Asterisk Call Manager/9.0.0\r\nEvent: VarSet\r\nValue: "[..]);
    assert!(matches!(
        codec.decode(&mut buf).unwrap(),
        Some(AmiFrame::Banner(_))
    ));
    // A 1 MiB value, fed in chunks: the buffer never keeps more than a line's worth.
    for _ in 0..1024 {
        buf.extend_from_slice(&[b'x'; 1024]);
        assert!(codec.decode(&mut buf).unwrap().is_none());
        assert!(buf.len() <= 1024 + 66, "{}", buf.len());
    }
    buf.extend_from_slice(b"\r\nMore: lines\r\n\r\n");
    buf.extend_from_slice(NO_CONTACTS.as_bytes());
    // Too many lines, then too many bytes in lines that are each short enough.
    buf.extend_from_slice("A: b\r\n".repeat(9).as_bytes());
    buf.extend_from_slice(b"\r\n");
    buf.extend_from_slice(format!("A: {}\r\n", "y".repeat(60)).repeat(5).as_bytes());
    buf.extend_from_slice(b"\r\n");
    buf.extend_from_slice(ORIGINATE_RESPONSE.as_bytes());
    let mut got = Vec::new();
    while let Some(frame) = codec.decode(&mut buf).unwrap() {
        got.push(frame);
    }
    let ms = messages(got);
    assert_eq!(ms.len(), 1, "{ms:?}");
    assert_eq!(ms[0].action_id(), Some("probe-008"));
    // The originate response is longer than 8 lines: skipped too.
    assert_eq!(codec.skipped(), 4);
    assert!(codec.held_bytes() <= 256 + 64);
}

#[test]
fn a_block_cut_by_the_end_of_the_stream_is_dropped() {
    let text = format!("{LOGIN}Event: Newchannel\r\nChannel: SIP/1001-0000");
    let ms = messages(decode_all(&mut AmiCodec::new(), text.as_bytes()));
    assert_eq!(ms.len(), 1);
}

#[test]
fn latin1_bytes_are_replaced_not_refused() {
    let mut bytes = b"Event: Newchannel\r\nCallerIDName: Ren".to_vec();
    bytes.push(0xe9);
    bytes.extend_from_slice(b"\r\n\r\n");
    let ms = messages(decode_all(
        &mut AmiCodec::without_banner(Limits::default()),
        &bytes,
    ));
    assert_eq!(ms[0].get("CallerIDName"), Some("Ren\u{fffd}"));
}
