//! Output rules every command shares: aligned tables for people, JSON for scripts, and text
//! made safe for a terminal and for a spreadsheet.

use unicode_width::UnicodeWidthStr;

/// How a command prints (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns (or `field  value` lines) for a person at a terminal.
    #[default]
    Table,
    /// One JSON document, for scripts.
    Json,
}

/// Columns aligned by display width (wide characters count double), two spaces apart.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let cells = |row: &[String]| -> Vec<String> { row.iter().map(|c| one_line(c)).collect() };
    let rows: Vec<Vec<String>> = rows.iter().map(|r| cells(r)).collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.width());
        }
    }
    let header: Vec<String> = headers.iter().map(|h| h.to_uppercase()).collect();
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(&widths).enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                line.push_str(&" ".repeat(width - cell.width() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Text for a terminal: control characters other than line breaks and tabs (an escape
/// sequence in a subject could rewrite the screen) are shown as `\u{…}`.
pub fn terminal_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c.to_string(),
            c if c.is_control() || is_bidi_control(c) => c.escape_unicode().to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// One table cell: on one line, terminal-safe, at most 60 characters.
pub fn one_line(text: &str) -> String {
    const MAX: usize = 60;
    let flat: String = terminal_safe(text)
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect();
    match flat.chars().count() > MAX {
        true => flat.chars().take(MAX - 1).chain(['…']).collect(),
        false => flat,
    }
}

/// Embeddings, overrides and isolates reorder what a terminal shows.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A spreadsheet cell that is never a formula: text starting with `=`, `+`, `-`, `@`, a tab
/// or a carriage return gets a leading `'` (OWASP's advice against CSV injection).
pub fn spreadsheet_safe(cell: &str) -> String {
    match cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        true => format!("'{cell}"),
        false => cell.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_by_display_width() {
        let rows = vec![
            vec!["HC-1".to_string(), "日本語".to_string(), "x".to_string()],
            vec!["HC-22".to_string(), "ab".to_string(), "y".to_string()],
        ];
        let out = table(&["id", "subject", "z"], &rows);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "ID     SUBJECT  Z");
        assert_eq!(lines[1], "HC-1   日本語   x");
        assert_eq!(lines[2], "HC-22  ab       y");
    }

    #[test]
    fn text_is_safe_for_terminals_and_spreadsheets() {
        assert_eq!(terminal_safe("a\u{1b}[2Jb\nc"), "a\\u{1b}[2Jb\nc");
        assert_eq!(one_line("a\nb\u{202E}c"), "a b\\u{202e}c");
        assert_eq!(one_line(&"x".repeat(70)).chars().count(), 60);
        for formula in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(spreadsheet_safe(formula), format!("'{formula}"));
        }
        assert_eq!(spreadsheet_safe("HC-1 a=b"), "HC-1 a=b");
    }
}
