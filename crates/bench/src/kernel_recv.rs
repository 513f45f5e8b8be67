//! Reading a client socket with the kernel's receive timestamp of the bytes (`SO_TIMESTAMPNS`),
//! so a load benchmark can tell the server's delay from the load generator's own.

use std::os::fd::AsRawFd;
use std::time::{Duration, SystemTime};

use nix::sys::socket::{ControlMessageOwned, MsgFlags, recvmsg, setsockopt, sockopt};
use tokio::net::TcpStream;

/// A socket read with kernel receive timestamps.
pub struct TimestampedReader {
    stream: TcpStream,
    cmsg: Vec<u8>,
}

impl TimestampedReader {
    /// Turns timestamps on for `stream` (a warning is printed once per socket if the kernel
    /// refuses: the reads then carry no timestamp).
    pub fn new(stream: TcpStream) -> TimestampedReader {
        if setsockopt(&stream, sockopt::ReceiveTimestampns, &true).is_err() {
            eprintln!("SO_TIMESTAMPNS unavailable: kernel receive times will be missing");
        }
        TimestampedReader {
            stream,
            cmsg: nix::cmsg_space!(nix::sys::time::TimeSpec),
        }
    }

    /// The socket, for writing.
    pub fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// Reads into `buf`: the byte count (0 at the end) and when the kernel received them.
    pub async fn read(&mut self, buf: &mut [u8]) -> std::io::Result<(usize, Option<SystemTime>)> {
        let Self { stream, cmsg } = self;
        stream
            .async_io(tokio::io::Interest::READABLE, || {
                let mut iov = [std::io::IoSliceMut::new(buf)];
                match recvmsg::<()>(
                    stream.as_raw_fd(),
                    &mut iov,
                    Some(cmsg),
                    MsgFlags::MSG_DONTWAIT,
                ) {
                    Ok(msg) => {
                        let at = msg
                            .cmsgs()
                            .ok()
                            .into_iter()
                            .flatten()
                            .find_map(|c| match c {
                                ControlMessageOwned::ScmTimestampns(ts) => Some(
                                    SystemTime::UNIX_EPOCH
                                        + Duration::new(ts.tv_sec() as u64, ts.tv_nsec() as u32),
                                ),
                                _ => None,
                            });
                        Ok((msg.bytes, at))
                    }
                    Err(nix::errno::Errno::EAGAIN) => Err(std::io::ErrorKind::WouldBlock.into()),
                    Err(e) => Err(std::io::Error::from(e)),
                }
            })
            .await
    }
}
