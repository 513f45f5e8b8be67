//! Every recording of shared/data/ami/ (copied in tests/data/captures/: real Asterisk 20
//! sessions) replayed through the translator into the real core, phase by phase, with the
//! state and events asserted at each step.

mod chansip;
mod chansip_2;
mod engine;
mod lab;
mod pjsip;
mod registration;
