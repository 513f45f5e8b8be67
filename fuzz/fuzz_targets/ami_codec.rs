//! Fuzz target: arbitrary bytes through the AMI decoder (whole and in chunkings taken from the
//! input, with limits taken from the input) and every decoded message back through the encoder.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ctid_pbx_ami::fuzz_decode(data);
});
