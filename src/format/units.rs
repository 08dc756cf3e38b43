//! Human-readable sizes and durations, printed exactly the way Docker's
//! `go-units` package prints them (`4.26MB`, `About an hour`, `2 weeks ago`).

use std::time::Duration;

/// Decimal unit suffixes, in the order go-units steps through them.
const DECIMAL_UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];

/// Parses a size as Docker's flags take it (`--log-opt max-size`,
/// `--shm-size`): a number with an optional binary unit `b`, `k`, `m`,
/// `g` (case-insensitive, an optional trailing `b`).
pub fn parse_size(text: &str) -> Option<u64> {
    let lower = text.trim().to_ascii_lowercase();
    let digits_end = lower
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(lower.len());
    let (number, unit) = lower.split_at(digits_end);
    let number: f64 = number.parse().ok()?;
    let scale: u64 = match unit {
        "" | "b" => 1,
        "k" | "kb" => 1 << 10,
        "m" | "mb" => 1 << 20,
        "g" | "gb" => 1 << 30,
        _ => return None,
    };
    let bytes = number * scale as f64;
    (bytes.is_finite() && bytes >= 0.0 && bytes < u64::MAX as f64).then_some(bytes as u64)
}

/// A size in decimal units with three significant digits, as `docker images`
/// prints its SIZE column: `0B`, `850B`, `1kB`, `1.5kB`, `4.26MB`, `12.3MB`.
///
/// Like go-units it can print `1e+03kB` for sizes that round up to the next
/// thousand (999 999 bytes); Docker prints the same.
pub fn human_size(bytes: u64) -> String {
    human_size_with_precision(bytes as f64, 3)
}

/// go-units' `HumanSizeWithPrecision`: divide by 1000 until below 1000 (or
/// the largest unit is reached), then format with Go's `%.{precision}g`.
/// `HumanSize` (used by `docker system df`) is precision 4.
pub fn human_size_with_precision(size: f64, precision: usize) -> String {
    let mut size = size;
    let mut unit = 0;
    while size >= 1000.0 && unit < DECIMAL_UNITS.len() - 1 {
        size /= 1000.0;
        unit += 1;
    }
    format!("{}{}", go_format_g(size, precision), DECIMAL_UNITS[unit])
}

/// Formats like Go's `fmt.Sprintf("%.*g", precision, x)` for finite `x`.
fn go_format_g(x: f64, precision: usize) -> String {
    let prec = precision.max(1);
    let sign = if x.is_sign_negative() && x != 0.0 {
        "-"
    } else {
        ""
    };
    let x = x.abs();
    if x == 0.0 {
        return "0".to_string();
    }
    if !x.is_finite() {
        return format!("{sign}{}", if x.is_nan() { "NaN" } else { "Inf" });
    }
    // Round to `prec` significant digits; Rust, like Go, rounds the exact
    // binary value half-to-even.
    let sci = format!("{:.*e}", prec - 1, x);
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    let nd = digits.len() as i64;
    let dp = exponent + 1;

    let mut eprec = prec as i64;
    if eprec > nd && nd >= dp {
        eprec = nd;
    }
    let exp = dp - 1;
    if exp < -4 || exp >= eprec {
        let shown = (prec as i64).min(nd) as usize;
        let mut out = String::from(sign);
        out.push(digits[0] as char);
        if shown > 1 {
            out.push('.');
            out.extend(digits[1..shown].iter().map(|&d| d as char));
        }
        let exp_sign = if exp < 0 { '-' } else { '+' };
        out.push_str(&format!("e{exp_sign}{:02}", exp.abs()));
        return out;
    }
    let mut p = prec as i64;
    if p > dp {
        p = nd;
    }
    let decimals = (p - dp).max(0);
    let digit_at = |i: i64| -> char {
        if i >= 0 && i < nd {
            digits[i as usize] as char
        } else {
            '0'
        }
    };
    let mut out = String::from(sign);
    if dp <= 0 {
        out.push('0');
    } else {
        out.extend((0..dp).map(digit_at));
    }
    if decimals > 0 {
        out.push('.');
        out.extend((dp..dp + decimals).map(digit_at));
    }
    out
}

/// go-units' `HumanDuration`: `Less than a second`, `1 second`, `45 seconds`,
/// `About a minute`, `5 minutes`, `About an hour`, `3 hours`, `2 days`,
/// `3 weeks`, `4 months`, `2 years`.
pub fn human_duration(d: Duration) -> String {
    let nanos = d.as_nanos();
    let seconds = go_unit_float(nanos, 1_000_000_000) as i64;
    if seconds < 1 {
        return "Less than a second".to_string();
    }
    if seconds == 1 {
        return "1 second".to_string();
    }
    if seconds < 60 {
        return format!("{seconds} seconds");
    }
    let minutes = go_unit_float(nanos, 60_000_000_000) as i64;
    if minutes == 1 {
        return "About a minute".to_string();
    }
    if minutes < 60 {
        return format!("{minutes} minutes");
    }
    let hours_f = go_unit_float(nanos, 3_600_000_000_000);
    let hours = (hours_f + 0.5) as i64;
    if hours == 1 {
        "About an hour".to_string()
    } else if hours < 48 {
        format!("{hours} hours")
    } else if hours < 24 * 7 * 2 {
        format!("{} days", hours / 24)
    } else if hours < 24 * 30 * 2 {
        format!("{} weeks", hours / 24 / 7)
    } else if hours < 24 * 365 * 2 {
        format!("{} months", hours / 24 / 30)
    } else {
        format!("{} years", hours_f as i64 / 24 / 365)
    }
}

/// Go's `Duration.Seconds/Minutes/Hours`: whole units plus the remainder as
/// a fraction, computed the way Go computes it so truncation agrees.
fn go_unit_float(nanos: u128, unit: u128) -> f64 {
    (nanos / unit) as f64 + (nanos % unit) as f64 / unit as f64
}

/// Docker's CREATED column: [`human_duration`] of `now - created` plus
/// ` ago`. A time in the future counts as zero (`Less than a second ago`).
pub fn created_since(created: jiff::Timestamp, now: jiff::Timestamp) -> String {
    let elapsed = now.duration_since(created);
    let elapsed = if elapsed.is_negative() {
        Duration::ZERO
    } else {
        elapsed.unsigned_abs()
    };
    format!("{} ago", human_duration(elapsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_like_go_units() {
        let cases: &[(u64, &str)] = &[
            (0, "0B"),
            (1, "1B"),
            (850, "850B"),
            (999, "999B"),
            (1000, "1kB"),
            (1024, "1.02kB"),
            (1230, "1.23kB"),
            (1500, "1.5kB"),
            (1125, "1.12kB"),
            (10_000, "10kB"),
            (12_345, "12.3kB"),
            (100_000, "100kB"),
            (123_456, "123kB"),
            (999_499, "999kB"),
            (999_999, "1e+03kB"),
            (1_000_000, "1MB"),
            (4_260_000, "4.26MB"),
            (4_264_999, "4.26MB"),
            (12_300_000, "12.3MB"),
            (77_800_000, "77.8MB"),
            (1_000_000_000, "1GB"),
            (1_500_000_000, "1.5GB"),
            (2_000_000_000_000, "2TB"),
            (5_000_000_000_000_000, "5PB"),
            (u64::MAX, "18.4EB"),
        ];
        for (bytes, want) in cases {
            assert_eq!(human_size(*bytes), *want, "{bytes} bytes");
        }
    }

    #[test]
    fn parses_docker_sizes() {
        assert_eq!(parse_size("100"), Some(100));
        assert_eq!(parse_size("10k"), Some(10 << 10));
        assert_eq!(parse_size("1.5MB"), Some(3 << 19));
        assert_eq!(parse_size("2G"), Some(2 << 30));
        for bad in ["", "m", "-1", "10x", "1e400"] {
            assert_eq!(parse_size(bad), None, "{bad}");
        }
    }

    #[test]
    fn human_size_precision_four() {
        assert_eq!(human_size_with_precision(1_234_567.0, 4), "1.235MB");
        assert_eq!(human_size_with_precision(1e30, 3), "1e+06YB");
    }

    #[test]
    fn go_g_format() {
        assert_eq!(go_format_g(0.000012345, 3), "1.23e-05");
        assert_eq!(go_format_g(0.0012345, 3), "0.00123");
        assert_eq!(go_format_g(-2.5, 3), "-2.5");
        assert_eq!(go_format_g(2.5, 1), "2");
        assert_eq!(go_format_g(120.0, 3), "120");
    }

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn durations_like_go_units() {
        let minute = 60;
        let hour = 60 * minute;
        let day = 24 * hour;
        let cases: &[(Duration, &str)] = &[
            (Duration::ZERO, "Less than a second"),
            (Duration::from_millis(999), "Less than a second"),
            (secs(1), "1 second"),
            (Duration::from_millis(1999), "1 second"),
            (secs(2), "2 seconds"),
            (secs(45), "45 seconds"),
            (Duration::from_millis(59_999), "59 seconds"),
            (secs(60), "About a minute"),
            (secs(119), "About a minute"),
            (secs(120), "2 minutes"),
            (secs(5 * minute), "5 minutes"),
            (secs(59 * minute + 59), "59 minutes"),
            (secs(hour), "About an hour"),
            (secs(hour + 29 * minute + 59), "About an hour"),
            (secs(hour + 30 * minute), "2 hours"),
            (secs(3 * hour), "3 hours"),
            (secs(47 * hour + 29 * minute), "47 hours"),
            (secs(47 * hour + 30 * minute), "2 days"),
            (secs(2 * day), "2 days"),
            (secs(13 * day + 23 * hour), "13 days"),
            (secs(14 * day), "2 weeks"),
            (secs(3 * 7 * day), "3 weeks"),
            (secs(59 * day), "8 weeks"),
            (secs(60 * day), "2 months"),
            (secs(4 * 30 * day), "4 months"),
            (secs(729 * day), "24 months"),
            (secs(730 * day), "2 years"),
            (secs(3 * 365 * day + 300 * day), "3 years"),
        ];
        for (d, want) in cases {
            assert_eq!(human_duration(*d), *want, "{d:?}");
        }
    }

    #[test]
    fn created_since_adds_ago() {
        let now: jiff::Timestamp = "2024-05-01T12:00:00Z".parse().unwrap();
        let created: jiff::Timestamp = "2024-04-17T12:00:00Z".parse().unwrap();
        assert_eq!(created_since(created, now), "2 weeks ago");
        let later: jiff::Timestamp = "2024-05-01T12:05:00Z".parse().unwrap();
        assert_eq!(created_since(later, now), "Less than a second ago");
        let recent: jiff::Timestamp = "2024-05-01T11:55:00Z".parse().unwrap();
        assert_eq!(created_since(recent, now), "5 minutes ago");
    }
}
