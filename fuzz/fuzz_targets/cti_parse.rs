//! Fuzz target: arbitrary bytes through the CTI line decoder and message parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ctid_proto_cti::fuzz_parse(data);
});
