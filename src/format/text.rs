//! Text shortening as the Docker CLI does it.

/// At most `max` characters, the last one `…` when cut.
pub fn ellipsis(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::ellipsis;

    #[test]
    fn cuts_to_the_width() {
        assert_eq!(ellipsis("short", 20), "short");
        assert_eq!(ellipsis("sh -c 'echo a long command'", 10), "sh -c 'ec…");
    }
}
