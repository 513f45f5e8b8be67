//! The capture format: a recorded AMI session as text (shared/data/ami/README.md), read into
//! [`Capture`] entries and written back by [`CaptureWriter`].
//!
//! ```text
//! ### AMI capture, 2026-11-22 18:14:05, connected to 127.0.0.1:5038     (header lines)
//! ######## PHASE A: what happens in this phase  [   0.011]              (phase markers)
//!
//! --> [   0.006] (login)                  what the client sent, t in seconds since connect
//! Action: Login
//! ActionID: probe-001
//!
//! <-- [   0.627] (A)                      what Asterisk sent
//! Event: Newchannel
//! ...
//! ```
//!
//! Each message is its AMI `Key: Value` block, ended by an empty line. Reading is strict: a
//! line that fits none of these forms is an error naming its line number, and a capture is
//! refused past [`MAX_CAPTURE_BYTES`] or a message past [`MAX_MESSAGE_LINES`] lines.

use std::fmt::Write as _;
use std::io;
use std::path::Path;
use std::time::Duration;

use crate::message::AmiMessage;

/// The largest capture read (bytes).
pub const MAX_CAPTURE_BYTES: u64 = 512 * 1024 * 1024;

/// The most lines one message may have.
pub const MAX_MESSAGE_LINES: usize = 4096;

/// Who sent a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// The client (ctid) sent it to Asterisk (`-->`).
    Sent,
    /// Asterisk sent it (`<--`).
    Received,
}

impl Direction {
    fn arrow(self) -> &'static str {
        match self {
            Direction::Sent => "-->",
            Direction::Received => "<--",
        }
    }
}

/// One recorded message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Time since the connection opened.
    pub time: Duration,
    /// Who sent it.
    pub direction: Direction,
    /// The phase it belongs to (`login`, `INV`, `A`...).
    pub phase: String,
    /// The message.
    pub message: AmiMessage,
}

/// A `######## PHASE X: description  [t]` marker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhaseMarker {
    /// The phase's name (`A`, `QUEUE_ABANDON`).
    pub name: String,
    /// What happens in it.
    pub description: String,
    /// When it starts.
    pub time: Duration,
    /// The index in [`Capture::entries`] of its first entry.
    pub first_entry: usize,
}

/// A whole recorded session.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Capture {
    /// The `###` lines, without the `###` and the space after it.
    pub header: Vec<String>,
    /// Every message, in order.
    pub entries: Vec<Entry>,
    /// The phase markers, in order.
    pub phases: Vec<PhaseMarker>,
}

/// Why a capture could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// The file could not be read.
    #[error("cannot read the capture {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: io::Error,
    },
    /// The file is larger than [`MAX_CAPTURE_BYTES`].
    #[error("the capture {path} is {size} bytes, over the {MAX_CAPTURE_BYTES}-byte limit")]
    TooLarge {
        /// The file.
        path: String,
        /// Its size.
        size: u64,
    },
    /// A line fits none of the format's forms.
    #[error("capture line {line}: {reason}: {text:?}")]
    Malformed {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: &'static str,
        /// The start of the line.
        text: String,
    },
}

impl Capture {
    /// Reads a capture file.
    pub fn read(path: &Path) -> Result<Capture, CaptureError> {
        let name = path.display().to_string();
        let io_error = |source| CaptureError::Io {
            path: name.clone(),
            source,
        };
        let size = std::fs::metadata(path).map_err(io_error)?.len();
        if size > MAX_CAPTURE_BYTES {
            return Err(CaptureError::TooLarge { path: name, size });
        }
        let text = std::fs::read_to_string(path).map_err(io_error)?;
        Capture::parse(&text)
    }

    /// Parses a capture's text.
    pub fn parse(text: &str) -> Result<Capture, CaptureError> {
        let mut capture = Capture::default();
        let mut current: Option<Entry> = None;
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let malformed = |reason| CaptureError::Malformed {
                line: number,
                reason,
                text: line.chars().take(80).collect(),
            };
            if let Some(entry) = current.as_mut() {
                if line.is_empty() {
                    capture.entries.extend(current.take());
                    continue;
                }
                if entry.message.len() >= MAX_MESSAGE_LINES {
                    return Err(malformed("message too long"));
                }
                let (key, value) =
                    split_field(line).ok_or_else(|| malformed("not `Key: Value`"))?;
                entry.message.push(key, value);
                continue;
            }
            if line.is_empty() {
                continue;
            }
            if let Some(rest) = line.strip_prefix("######## PHASE ") {
                let (name, description, time) =
                    parse_phase(rest).ok_or_else(|| malformed("bad phase marker"))?;
                capture.phases.push(PhaseMarker {
                    name,
                    description,
                    time,
                    first_entry: capture.entries.len(),
                });
            } else if let Some(rest) = line.strip_prefix("###") {
                capture.header.push(rest.trim_start().to_owned());
            } else if let Some(direction) = arrow(line) {
                let (time, phase) =
                    parse_entry_head(&line[3..]).ok_or_else(|| malformed("bad message head"))?;
                current = Some(Entry {
                    time,
                    direction,
                    phase,
                    message: AmiMessage::new(),
                });
            } else {
                return Err(malformed("expected `-->`, `<--`, `###` or an empty line"));
            }
        }
        capture.entries.extend(current.take());
        Ok(capture)
    }

    /// The entries of the phase `name` (empty when there is no such phase).
    pub fn phase_entries(&self, name: &str) -> &[Entry] {
        let Some(i) = self.phases.iter().position(|p| p.name == name) else {
            return &[];
        };
        let start = self.phases[i].first_entry;
        let end = self
            .phases
            .get(i + 1)
            .map_or(self.entries.len(), |p| p.first_entry);
        &self.entries[start..end]
    }
}

fn arrow(line: &str) -> Option<Direction> {
    if line.starts_with("--> ") {
        Some(Direction::Sent)
    } else if line.starts_with("<-- ") {
        Some(Direction::Received)
    } else {
        None
    }
}

/// `Key: Value` (the value may be empty, with or without the space).
fn split_field(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once(':')?;
    if key.is_empty() {
        return None;
    }
    Some((key, value.strip_prefix(' ').unwrap_or(value)))
}

/// ` [   0.627] (A)`.
fn parse_entry_head(rest: &str) -> Option<(Duration, String)> {
    let rest = rest.trim_start().strip_prefix('[')?;
    let (time, rest) = rest.split_once(']')?;
    let phase = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
    Some((parse_seconds(time)?, phase.to_owned()))
}

/// `A: description  [   0.011]`.
fn parse_phase(rest: &str) -> Option<(String, String, Duration)> {
    let (head, time) = rest.rsplit_once('[')?;
    let time = parse_seconds(time.strip_suffix(']')?)?;
    let (name, description) = head.split_once(':').unwrap_or((head, ""));
    Some((name.trim().to_owned(), description.trim().to_owned(), time))
}

fn parse_seconds(text: &str) -> Option<Duration> {
    let seconds: f64 = text.trim().parse().ok()?;
    (0.0..1e9)
        .contains(&seconds)
        .then(|| Duration::from_secs_f64(seconds))
}

fn seconds(time: Duration) -> String {
    format!("{:8.3}", time.as_secs_f64())
}

/// The text of one entry, as the format writes it (head line, block, empty line).
pub fn render_entry(
    time: Duration,
    direction: Direction,
    phase: &str,
    message: &AmiMessage,
) -> String {
    let mut out = String::with_capacity(32 + message.len() * 24);
    let _ = writeln!(out, "{} [{}] ({phase})", direction.arrow(), seconds(time));
    for (key, value) in message.iter() {
        let _ = writeln!(out, "{key}: {value}");
    }
    out.push('\n');
    out
}

/// The text of a phase marker.
pub fn render_phase(name: &str, description: &str, time: Duration) -> String {
    format!(
        "\n######## PHASE {name}: {description}  [{}]\n\n",
        seconds(time)
    )
}

/// Writes a capture as a session goes (for `ctid ami record`).
#[derive(Debug)]
pub struct CaptureWriter<W: io::Write> {
    out: W,
    phase: String,
}

impl<W: io::Write> CaptureWriter<W> {
    /// A writer that starts with the header: when and where it connected, and the banner.
    pub fn new(mut out: W, connected: &str, banner: &str) -> io::Result<CaptureWriter<W>> {
        writeln!(out, "### AMI capture, {connected}")?;
        writeln!(out, "### banner: {banner}")?;
        writeln!(out)?;
        Ok(CaptureWriter {
            out,
            phase: "login".to_owned(),
        })
    }

    /// Starts a phase: the messages that follow belong to it.
    pub fn phase(&mut self, name: &str, description: &str, time: Duration) -> io::Result<()> {
        self.phase = name.to_owned();
        self.out
            .write_all(render_phase(name, description, time).as_bytes())
    }

    /// Records one message.
    pub fn message(
        &mut self,
        time: Duration,
        direction: Direction,
        message: &AmiMessage,
    ) -> io::Result<()> {
        self.out
            .write_all(render_entry(time, direction, &self.phase, message).as_bytes())
    }

    /// Records the end of the connection.
    pub fn closed(&mut self, time: Duration, why: &str) -> io::Result<()> {
        writeln!(self.out, "### [{}] {why}", seconds(time))?;
        self.out.flush()
    }

    /// Writes out what is buffered.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// The underlying writer, borrowed.
    pub fn get_ref(&self) -> &W {
        &self.out
    }

    /// The underlying writer.
    pub fn into_inner(self) -> W {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "### AMI capture, x\n### banner: Asterisk Call Manager/9.0.0\n\n\
        --> [   0.006] (login)\nAction: Login\nActionID: probe-001\n\n\
        ######## PHASE A: a call  [   0.011]\n\n\
        <-- [   0.627] (A)\nEvent: Newchannel\nSystemName: \nUniqueid: 1.0\n\n\
        ### [  61.009] connection closed by Asterisk\n";

    #[test]
    fn reads_entries_phases_and_header() {
        let capture = Capture::parse(SAMPLE).expect("valid");
        assert_eq!(capture.header.len(), 3);
        assert_eq!(capture.entries.len(), 2);
        assert_eq!(capture.entries[0].direction, Direction::Sent);
        assert_eq!(capture.entries[0].phase, "login");
        assert_eq!(capture.entries[1].time, Duration::from_millis(627));
        assert_eq!(capture.entries[1].message.event(), Some("Newchannel"));
        assert_eq!(capture.entries[1].message.get("SystemName"), Some(""));
        assert_eq!(capture.phases[0].name, "A");
        assert_eq!(capture.phases[0].description, "a call");
        assert_eq!(capture.phase_entries("A").len(), 1);
        assert!(capture.phase_entries("Z").is_empty());
    }

    #[test]
    fn malformed_lines_are_errors_with_their_number() {
        let err = Capture::parse("--> [ 0.1] (x)\nno colon here\n").unwrap_err();
        assert!(
            matches!(err, CaptureError::Malformed { line: 2, .. }),
            "{err}"
        );
        let err = Capture::parse("hello\n").unwrap_err();
        assert!(matches!(err, CaptureError::Malformed { line: 1, .. }));
        let err = Capture::parse("<-- [abc] (A)\n").unwrap_err();
        assert!(matches!(err, CaptureError::Malformed { line: 1, .. }));
    }

    #[test]
    fn the_writer_writes_what_the_reader_reads() {
        let mut writer =
            CaptureWriter::new(Vec::new(), "2026-11-22 18:14:05, connected to h:5038", "B")
                .expect("vec");
        let login = AmiMessage::action("Login").with("ActionID", "1");
        writer
            .message(Duration::from_millis(6), Direction::Sent, &login)
            .expect("vec");
        writer
            .phase("A", "a call", Duration::from_millis(11))
            .expect("vec");
        let event = AmiMessage::new()
            .with("Event", "Hangup")
            .with("Cause", "16")
            .with("Empty", "");
        writer
            .message(Duration::from_millis(627), Direction::Received, &event)
            .expect("vec");
        writer
            .closed(Duration::from_secs(61), "connection closed")
            .expect("vec");
        let text = String::from_utf8(writer.into_inner()).expect("utf-8");
        let capture = Capture::parse(&text).expect("valid");
        assert_eq!(capture.entries.len(), 2);
        assert_eq!(capture.entries[0].message, login);
        assert_eq!(capture.entries[1].message, event);
        assert_eq!(capture.entries[1].phase, "A");
        assert_eq!(capture.entries[1].time, Duration::from_millis(627));
    }
}
