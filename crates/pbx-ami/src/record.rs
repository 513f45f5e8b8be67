//! `ctid ami record`: connects to Asterisk as the adapter does (banner, plain or MD5 login,
//! from `[pbx.asterisk]`), turns events on, and writes what Asterisk sends, and what it was
//! sent, in the capture format ([`crate::capture`], shared/data/ami/README.md) with the time
//! since the connection opened: first the adapter's resync lists (phase `INV`: the state a
//! replay starts from), then everything (phase `REC`), until stopped (Ctrl-C, a duration: the caller's `stop`), until
//! Asterisk closes the connection, or until the file would be too large to replay
//! ([`MAX_CAPTURE_BYTES`]). No event filter: a recording shows what Asterisk really sends.
//! Secrets are not written (`Secret` and `Key` are `***`). A recording replays with
//! `ctid serve --replay FILE`.

use std::future::Future;
use std::io::{self, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_util::codec::Framed;

use crate::capture::{CaptureWriter, Direction, MAX_CAPTURE_BYTES};
use crate::codec::{AmiCodec, AmiFrame};
use crate::config::{AmiConfig, AuthMode};
use crate::login;
use crate::message::{AmiMessage, Kind};
use crate::snapshot::resync_actions;

/// What a recording wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecordReport {
    /// Messages Asterisk sent.
    pub received: u64,
    /// Messages sent to Asterisk.
    pub sent: u64,
    /// Bytes written.
    pub bytes: u64,
}

/// Why a recording could not start or went wrong.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// No connection.
    #[error("cannot connect to Asterisk at {address}: {reason}")]
    Connect {
        /// `host:port`.
        address: String,
        /// Why.
        reason: String,
    },
    /// Asterisk did not answer a step in time, or closed the connection during the login.
    #[error("no answer from Asterisk ({0})")]
    NoAnswer(&'static str),
    /// The peer is not an AMI.
    #[error("not an Asterisk Manager Interface: {0:?}")]
    NotAsterisk(String),
    /// The login was refused.
    #[error("Asterisk refused the login: {0} (check [pbx.asterisk] username and secret)")]
    LoginRefused(String),
    /// Reading or writing the connection or the file failed.
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// Why a recording ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// `stop` completed.
    Stopped,
    /// Asterisk closed the connection.
    Closed,
    /// The file reached [`MAX_CAPTURE_BYTES`].
    Full,
}

/// Counts the bytes written through it.
struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

struct Session<W: Write> {
    conn: Framed<TcpStream, AmiCodec>,
    writer: CaptureWriter<Counting<W>>,
    start: Instant,
    report: RecordReport,
    timeout: Duration,
    next_id: u64,
}

impl<W: Write> Session<W> {
    async fn send(&mut self, message: AmiMessage) -> Result<String, RecordError> {
        self.next_id += 1;
        let id = format!("record-{}", self.next_id);
        let message = message.with("ActionID", &id);
        self.writer
            .message(self.start.elapsed(), Direction::Sent, &redacted(&message))?;
        self.report.sent += 1;
        tokio::time::timeout(self.timeout, self.conn.send(&message))
            .await
            .map_err(|_| RecordError::NoAnswer("writing an action"))??;
        Ok(id)
    }

    fn record(&mut self, message: &AmiMessage) -> Result<(), RecordError> {
        self.writer
            .message(self.start.elapsed(), Direction::Received, message)?;
        self.report.received += 1;
        Ok(())
    }

    /// Sends `message` and records what comes up to its answer, which it returns.
    async fn request(
        &mut self,
        message: AmiMessage,
        what: &'static str,
    ) -> Result<AmiMessage, RecordError> {
        let id = self.send(message).await?;
        loop {
            let frame = tokio::time::timeout(self.timeout, self.conn.next())
                .await
                .map_err(|_| RecordError::NoAnswer(what))?;
            match frame {
                Some(Ok(AmiFrame::Message(m))) => {
                    self.record(&m)?;
                    if m.action_id() == Some(&id) && m.event().is_none() {
                        return Ok(m);
                    }
                }
                Some(Ok(AmiFrame::Banner(_))) => {}
                Some(Err(e)) => return Err(e.into()),
                None => return Err(RecordError::NoAnswer(what)),
            }
        }
    }
}

impl<W: Write> Session<W> {
    /// Sends a list action and records up to its end (`EventList: Complete`, or an answer that
    /// starts no list).
    async fn list(&mut self, action: AmiMessage) -> Result<(), RecordError> {
        let id = self.send(action).await?;
        loop {
            let frame = tokio::time::timeout(self.timeout, self.conn.next())
                .await
                .map_err(|_| RecordError::NoAnswer("a list"))?;
            match frame {
                Some(Ok(AmiFrame::Message(m))) => {
                    self.record(&m)?;
                    if m.action_id() != Some(&id) {
                        continue;
                    }
                    let list = m.get("EventList").unwrap_or("");
                    let done = match m.kind() {
                        Kind::Event(_) => list.eq_ignore_ascii_case("Complete"),
                        _ => !list.eq_ignore_ascii_case("start"),
                    };
                    if done {
                        return Ok(());
                    }
                }
                Some(Ok(AmiFrame::Banner(_))) => {}
                Some(Err(e)) => return Err(e.into()),
                None => return Err(RecordError::NoAnswer("a list")),
            }
        }
    }
}

/// `Secret` and `Key` values replaced by `***`.
fn redacted(message: &AmiMessage) -> AmiMessage {
    let mut out = AmiMessage::new();
    for (key, value) in message.iter() {
        if key.eq_ignore_ascii_case("Secret") || key.eq_ignore_ascii_case("Key") {
            out.push(key, "***");
        } else {
            out.push(key, value);
        }
    }
    out
}

fn is_success(message: &AmiMessage) -> bool {
    matches!(message.kind(), Kind::Response(r) if r.eq_ignore_ascii_case("Success"))
}

/// Records the AMI session of `config` into `out` until `stop` completes, Asterisk closes the
/// connection or the file is full; returns what was written, why it ended, and `out`.
pub async fn record<W: Write>(
    config: &AmiConfig,
    out: W,
    stop: impl Future<Output = ()>,
) -> Result<(RecordReport, Ending, W), RecordError> {
    let address = config.address();
    let connect_error = |reason: String| RecordError::Connect {
        address: address.clone(),
        reason,
    };
    let stream = tokio::time::timeout(config.connect_timeout, TcpStream::connect(&address))
        .await
        .map_err(|_| connect_error("timed out".to_owned()))?
        .map_err(|e| connect_error(e.to_string()))?;
    let start = Instant::now();
    let mut conn = Framed::new(stream, AmiCodec::new());
    let banner = match tokio::time::timeout(config.login_timeout, conn.next()).await {
        Ok(Some(Ok(AmiFrame::Banner(banner)))) if login::is_banner(&banner) => banner,
        Ok(Some(Ok(AmiFrame::Banner(other)))) => return Err(RecordError::NotAsterisk(other)),
        Ok(Some(Ok(AmiFrame::Message(_)))) => {
            return Err(RecordError::NotAsterisk("no banner".to_owned()));
        }
        Ok(Some(Err(e))) => return Err(e.into()),
        Ok(None) | Err(_) => return Err(RecordError::NoAnswer("banner")),
    };
    let header = format!("{}, connected to {address}", utc_now());
    let writer = CaptureWriter::new(
        Counting {
            inner: out,
            bytes: 0,
        },
        &header,
        &banner,
    )?;
    let mut session = Session {
        conn,
        writer,
        start,
        report: RecordReport::default(),
        timeout: config.login_timeout,
        next_id: 0,
    };
    log_in(&mut session, config).await?;
    let events = session
        .request(
            AmiMessage::action("Events").with("EventMask", "on"),
            "events on",
        )
        .await?;
    if !is_success(&events) {
        return Err(RecordError::LoginRefused(format!(
            "events refused: {}",
            events.get("Message").unwrap_or("no message")
        )));
    }
    session.writer.phase(
        "INV",
        "the inventory: the adapter's resync lists",
        start.elapsed(),
    )?;
    for list in resync_actions() {
        session.list(list).await?;
    }
    session
        .writer
        .phase("REC", "recorded by ctid ami record", start.elapsed())?;
    let ending = live(&mut session, stop).await?;
    let why = match ending {
        Ending::Stopped => "recording stopped",
        Ending::Closed => "connection closed by Asterisk",
        Ending::Full => "recording stopped: the file reached its size limit",
    };
    session.writer.closed(start.elapsed(), why)?;
    let counting = session.writer.into_inner();
    session.report.bytes = counting.bytes;
    Ok((session.report, ending, counting.inner))
}

async fn log_in<W: Write>(session: &mut Session<W>, config: &AmiConfig) -> Result<(), RecordError> {
    let challenge = match config.auth {
        AuthMode::Plain => None,
        AuthMode::Md5 => {
            let answer = session.request(login::challenge(), "MD5 challenge").await?;
            match answer.get("Challenge") {
                Some(c) if is_success(&answer) => Some(c.to_owned()),
                _ => {
                    return Err(RecordError::LoginRefused(
                        answer
                            .get("Message")
                            .unwrap_or("challenge refused")
                            .to_owned(),
                    ));
                }
            }
        }
    };
    let message = login::login(
        config.auth,
        &config.username,
        &config.secret,
        challenge.as_deref(),
    );
    let answer = session.request(message, "login").await?;
    if !is_success(&answer) {
        return Err(RecordError::LoginRefused(
            answer.get("Message").unwrap_or("no message").to_owned(),
        ));
    }
    Ok(())
}

/// Records until `stop`, a close, or a full file; then logs off (bounded).
async fn live<W: Write>(
    session: &mut Session<W>,
    stop: impl Future<Output = ()>,
) -> Result<Ending, RecordError> {
    let mut stop = std::pin::pin!(stop);
    loop {
        if session.writer.get_ref().bytes + 64 * 1024 > MAX_CAPTURE_BYTES {
            let _ = session.send(AmiMessage::action("Logoff")).await;
            return Ok(Ending::Full);
        }
        tokio::select! {
            () = &mut stop => {
                // Best effort: a switch that does not read is left anyway.
                let _ = session.send(AmiMessage::action("Logoff")).await;
                return Ok(Ending::Stopped);
            }
            frame = session.conn.next() => match frame {
                Some(Ok(AmiFrame::Message(m))) => {
                    session.record(&m)?;
                    session.writer.flush()?;
                }
                Some(Ok(AmiFrame::Banner(_))) => {}
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(Ending::Closed),
            },
        }
    }
}

/// Now as `YYYY-MM-DD HH:MM:SS UTC`.
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    utc(secs)
}

/// A Unix time as `YYYY-MM-DD HH:MM:SS UTC` (the civil calendar from days since 1970).
pub fn utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    // Howard Hinnant's days_from_civil, inverted.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(1_795_371_246), "2026-11-22 18:14:06 UTC");
    }

    #[test]
    fn secrets_are_not_recorded() {
        let m = AmiMessage::action("Login")
            .with("Username", "cti")
            .with("Secret", "x")
            .with("key", "y");
        let r = redacted(&m);
        assert_eq!(r.get("Secret"), Some("***"));
        assert_eq!(r.get("Key"), Some("***"));
        assert_eq!(r.get("Username"), Some("cti"));
    }
}
