//! ctid's embedded PBX (placeholder: being written).
