//! `sheet`: a screen pop.

use serde::Serialize;

/// `sheet`.
#[derive(Debug, Serialize)]
pub struct SheetOut<'a> {
    /// Always `sheet`.
    pub class: &'static str,
    /// The channel the sheet is about.
    pub channel: &'a str,
    /// Always `xml`.
    pub serial: &'static str,
    /// Always `true`.
    pub compressed: bool,
    /// base64(4-byte big-endian length + zlib(xml)).
    pub payload: String,
}
