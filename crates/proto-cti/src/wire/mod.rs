//! The wire: serde types of every message in ([`input`]) and out ([`output`]), the lenient field
//! types real clients need ([`lenient`]), and the encoder adding `timenow` ([`encode()`]).

pub mod encode;
pub mod input;
pub mod lenient;
pub mod output;

pub use encode::encode;
