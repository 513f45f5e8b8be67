//! Tests of the live state.
