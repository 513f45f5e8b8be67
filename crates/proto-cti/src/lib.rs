//! The CTI protocol server (placeholder: being written).
