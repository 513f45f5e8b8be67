//! Fuzz target: arbitrary bytes through the XuC WebSocket frame decoder (in chunkings taken from
//! the input) and every decoded text message through the command parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ctid_proto_xuc::fuzz_parse(data);
});
