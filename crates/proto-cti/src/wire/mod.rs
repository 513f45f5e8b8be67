//! The wire: serde types of every message in ([`input`]) and out ([`output`]), the lenient field
//! types real clients need ([`lenient`]), the size limits of input fields ([`limits`]), and the
//! encoder adding `timenow` ([`encode()`]).

pub mod encode;
pub mod input;
pub mod lenient;
pub mod limits;
pub mod output;

pub use encode::encode;
