//! A baseline server run as a child process (the benchmark's own executable with a flag), so
//! that its CPU time and memory are measured the same way as ctid's. The child prints the
//! loopback port it listens on as its first line.

use std::io::BufRead;
use std::process::{Child, Command, Stdio};

use anyhow::Context;

/// A running baseline server.
#[derive(Debug)]
pub struct BaselineChild {
    child: Child,
    /// Its loopback port.
    pub port: u16,
}

impl BaselineChild {
    /// Runs this executable with `flag` and reads the port it prints.
    pub fn start(flag: &str) -> anyhow::Result<BaselineChild> {
        let mut child = Command::new(std::env::current_exe()?)
            .arg(flag)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .context("cannot start the baseline server")?;
        let mut port = String::new();
        std::io::BufReader::new(child.stdout.take().context("no stdout")?).read_line(&mut port)?;
        let port = port
            .trim()
            .parse()
            .context("the baseline server printed no port")?;
        Ok(BaselineChild { child, port })
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for BaselineChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
