//! What the generator tells writers: every problem of a run, with file, line, what is wrong and
//! how to fix it. Errors fail the build; warnings are reported and the build goes on.

use std::fmt;
use std::path::PathBuf;
use std::sync::Mutex;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: PathBuf,
    /// 1-based line in `file`, when the problem has one.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl Diagnostic {
    pub fn error(
        file: impl Into<PathBuf>,
        line: Option<usize>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            file: file.into(),
            line,
            message: message.into(),
            hint: hint.into(),
        }
    }

    pub fn warning(
        file: impl Into<PathBuf>,
        line: Option<usize>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(file, line, message, hint)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{kind}: {}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.message)?;
        if !self.hint.is_empty() {
            write!(f, "\n  help: {}", self.hint)?;
        }
        Ok(())
    }
}

/// Collects diagnostics from every step, also from parallel rendering.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Mutex<Vec<Diagnostic>>,
}

impl Diagnostics {
    pub fn push(&self, diagnostic: Diagnostic) {
        self.items
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(diagnostic);
    }

    pub fn has_errors(&self) -> bool {
        self.items
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .any(Diagnostic::is_error)
    }

    /// Whether nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.items
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    }

    /// The diagnostics so far, as they were pushed.
    pub fn to_vec(&self) -> Vec<Diagnostic> {
        self.items.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// All diagnostics, errors first, then by file and line, so output is stable across runs.
    pub fn into_sorted(self) -> Vec<Diagnostic> {
        let mut items = self.items.into_inner().unwrap_or_else(|e| e.into_inner());
        items.sort_by(|a, b| {
            (a.severity, &a.file, a.line, &a.message)
                .cmp(&(b.severity, &b.file, b.line, &b.message))
        });
        items.dedup();
        items
    }
}

/// The 1-based line of a byte offset in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_file_line_message_and_hint() {
        let d = Diagnostic::error(
            "content/en/a.md",
            Some(3),
            "missing `title`",
            "add `title: …` to the front matter",
        );
        assert_eq!(
            d.to_string(),
            "error: content/en/a.md:3: missing `title`\n  help: add `title: …` to the front matter"
        );
    }

    #[test]
    fn sorts_errors_first_and_dedups() {
        let all = Diagnostics::default();
        all.push(Diagnostic::warning("b", None, "w", ""));
        all.push(Diagnostic::error("z", Some(2), "e", ""));
        all.push(Diagnostic::error("z", Some(2), "e", ""));
        assert!(all.has_errors());
        let sorted = all.into_sorted();
        assert_eq!(sorted.len(), 2);
        assert!(sorted[0].is_error());
    }

    #[test]
    fn sorts_by_file_then_line_as_a_number() {
        let all = Diagnostics::default();
        for (file, line) in [
            ("b.md", Some(10)),
            ("a.md", Some(3)),
            ("b.md", Some(9)),
            ("b.md", None),
        ] {
            all.push(Diagnostic::error(file, line, "e", ""));
        }
        let order: Vec<(String, Option<usize>)> = all
            .into_sorted()
            .into_iter()
            .map(|d| (d.file.display().to_string(), d.line))
            .collect();
        let expected = [
            ("a.md", Some(3)),
            ("b.md", None),
            ("b.md", Some(9)),
            ("b.md", Some(10)),
        ];
        assert_eq!(order, expected.map(|(f, l)| (f.to_string(), l)));
    }

    #[test]
    fn counts_lines_from_one() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
    }
}
