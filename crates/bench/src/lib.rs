//! ctid benchmarks (placeholder).
