//! Delay statistics the load benchmarks print: percentiles of sorted delays and a
//! `min / p50 / p99 / max` line.

use std::time::Duration;

/// The `p` percentile of sorted delays (zero when there are none).
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

/// Sorts `delays` and describes them: `min / p50 / p99 / max` in milliseconds.
pub fn summary(delays: &mut [Duration]) -> String {
    if delays.is_empty() {
        return "no samples".into();
    }
    delays.sort();
    let pct = |p: f64| percentile(delays, p);
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    format!(
        "min {:.1} ms, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} samples)",
        ms(delays[0]),
        ms(pct(0.50)),
        ms(pct(0.99)),
        ms(delays[delays.len() - 1]),
        delays.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_the_sample_at_or_above_the_rank() {
        let d: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&d, 0.5), Duration::from_millis(50));
        assert_eq!(percentile(&d, 0.99), Duration::from_millis(99));
        assert_eq!(percentile(&d[..1], 0.99), Duration::from_millis(1));
        assert_eq!(percentile(&[], 0.5), Duration::ZERO);
    }
}
