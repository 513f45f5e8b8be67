//! The `ctid` binary (placeholder).
fn main() {}
