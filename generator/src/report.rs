//! What the commands print: diagnostics as text for people, as JSON for tools or as GitHub Actions
//! annotations (exactly one per diagnostic); one summary line; and a build's progress — a bar on a
//! terminal once a build takes long enough to need one, plain lines where output is a log (CI).

use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{json, Value};

use crate::build::{self, BuildReport, Step};
use crate::check::CheckReport;
use crate::diagnostics::{Diagnostic, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Text for people, on stderr.
    Human,
    /// One JSON document on stdout.
    Json,
    /// GitHub Actions annotations on stdout (`::error file=…,line=…::…`), one per diagnostic.
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// Errors only.
    Quiet,
    Normal,
    /// Also each step's time and the files behind each count.
    Verbose,
}

/// The diagnostics a format prints outside a JSON document: human text for stderr (errors only
/// when quiet) or GitHub annotations for stdout (all of them, whatever the verbosity).
pub fn diagnostics(
    format: Format,
    diagnostics: &[Diagnostic],
    verbosity: Verbosity,
) -> Vec<String> {
    match format {
        Format::Human => diagnostics
            .iter()
            .filter(|d| verbosity > Verbosity::Quiet || d.is_error())
            .map(Diagnostic::to_string)
            .collect(),
        Format::Github => diagnostics.iter().map(annotation).collect(),
        Format::Json => Vec::new(),
    }
}

/// A GitHub Actions workflow command: `::error file=content/en/a.md,line=3::message%0Ahelp: hint`.
pub fn annotation(d: &Diagnostic) -> String {
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut properties = format!(
        "file={}",
        escape_property(&d.file.to_string_lossy().replace('\\', "/"))
    );
    if let Some(line) = d.line {
        properties.push_str(&format!(",line={line}"));
    }
    let mut message = d.message.clone();
    if !d.hint.is_empty() {
        message.push_str(&format!("\nhelp: {}", d.hint));
    }
    format!("::{kind} {properties}::{}", escape_data(&message))
}

/// Workflow command data: `%`, CR and LF are encoded so a message stays one line.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Property values also encode the separators `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn per_language(pages: &[(String, usize)]) -> String {
    pages
        .iter()
        .map(|(l, n)| format!("{l} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn build_summary(report: &BuildReport, out_dir: &Path) -> String {
    format!(
        "built {} pages ({}) into {} in {:.2} s, {} warning(s)",
        report.pages,
        per_language(&report.pages_per_language),
        out_dir.display(),
        report.elapsed.as_secs_f64(),
        report.warnings.len()
    )
}

pub fn build_json(result: &Result<BuildReport, build::BuildError>) -> Value {
    match result {
        Ok(report) => json!({
            "ok": true,
            "pages": report.pages,
            "pages_per_language": report.pages_per_language.iter().cloned().collect::<std::collections::BTreeMap<_, _>>(),
            "errors": 0,
            "warnings": report.warnings.len(),
            "diagnostics": report.warnings,
            "seconds": report.elapsed.as_secs_f64(),
        }),
        Err(build::BuildError::Content(diagnostics)) => json!({
            "ok": false,
            "errors": diagnostics.iter().filter(|d| d.is_error()).count(),
            "warnings": diagnostics.iter().filter(|d| !d.is_error()).count(),
            "diagnostics": diagnostics,
        }),
        Err(e) => {
            json!({ "ok": false, "errors": 1, "warnings": 0, "diagnostics": [], "failure": e.to_string() })
        }
    }
}

pub fn check_summary(report: &CheckReport) -> String {
    let what = if report.pages > 0 {
        format!(
            "{} pages ({})",
            report.pages,
            per_language(&report.pages_per_language)
        )
    } else {
        "the content".to_string()
    };
    let external = report
        .external_links
        .map(|n| format!(" and {n} external address(es)"))
        .unwrap_or_default();
    format!(
        "checked {what}{external} in {:.2} s: {} error(s), {} warning(s)",
        report.elapsed.as_secs_f64(),
        report.errors(),
        report.warnings()
    )
}

/// One line per language: `it  48/52 translated, 4 missing, 2 behind`, and with `verbose` the
/// files behind the counts; then what "behind" was judged by.
pub fn translation_lines(report: &CheckReport, verbosity: Verbosity) -> Vec<String> {
    let mut lines = Vec::new();
    for t in &report.translations {
        lines.push(format!(
            "{:<6}{}/{} translated, {} missing, {} behind",
            t.language,
            t.translated,
            t.articles,
            t.missing.len(),
            t.behind.len()
        ));
        if verbosity == Verbosity::Verbose {
            lines.extend(t.files.iter().map(|f| match (f.state, f.changes) {
                ("missing", _) => format!("        missing: {}", f.file.display()),
                (_, Some(n)) => format!(
                    "        behind:  {} ({n} change(s) to the original)",
                    f.file.display()
                ),
                _ => format!("        behind:  {}", f.file.display()),
            }));
        }
    }
    if !report.translations.is_empty() {
        lines.push(basis_line(&report.translation_basis));
    }
    lines
}

/// "judged by git history (120 commits)", or why the `updated` dates were used.
fn basis_line(basis: &crate::model::StatusBasis) -> String {
    if let Some(why) = &basis.dates_because {
        return format!("(judged by the `updated` dates: {why})");
    }
    let mut line = format!("(judged by git history: {} commit(s)", basis.commits);
    if basis.shallow {
        line.push_str("; a shallow clone, so history is incomplete");
    }
    if basis.by_dates > 0 {
        line.push_str(&format!(
            "; {} translation(s) without known history judged by their `updated` dates",
            basis.by_dates
        ));
    }
    line.push(')');
    line
}

/// Build progress on stderr, for `build::run`.
pub struct Progress {
    mode: Mode,
    verbose: bool,
    bar: ProgressBar,
    started: Instant,
    shown: AtomicBool,
    current: Mutex<Option<(Step, Instant)>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Bar,
    Lines,
    Silent,
}

/// A bar for a build that ends sooner would only flicker.
const BAR_AFTER: Duration = Duration::from_millis(300);

impl Progress {
    pub fn new(verbosity: Verbosity) -> Progress {
        let mode = match verbosity {
            Verbosity::Quiet => Mode::Silent,
            _ if std::io::stderr().is_terminal() => Mode::Bar,
            _ => Mode::Lines,
        };
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        Progress {
            mode,
            verbose: verbosity == Verbosity::Verbose,
            bar,
            started: Instant::now(),
            shown: AtomicBool::new(false),
            current: Mutex::new(None),
        }
    }

    /// Ends the last step and clears the bar.
    pub fn finish(&self) {
        self.end_step();
        self.bar.finish_and_clear();
    }

    fn say(&self, line: String) {
        match self.mode {
            Mode::Silent => {}
            Mode::Bar => self.bar.suspend(|| eprintln!("{line}")),
            Mode::Lines => eprintln!("{line}"),
        }
    }

    fn end_step(&self) {
        let ended = self
            .current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let (true, Some((step, since))) = (self.verbose, ended) {
            self.say(format!(
                "{} in {:.3} s",
                done(step),
                since.elapsed().as_secs_f64()
            ));
        }
    }

    fn show_bar_when_slow(&self) {
        if self.mode == Mode::Bar
            && self.started.elapsed() >= BAR_AFTER
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}

impl build::Progress for Progress {
    fn step(&self, step: Step) {
        self.end_step();
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = Some((step, Instant::now()));
        if self.mode == Mode::Lines {
            self.say(format!("{}…", doing(step)));
        }
        self.bar.set_message(doing(step));
        if let Step::Render { pages } = step {
            self.bar.set_length(pages as u64);
        }
        self.show_bar_when_slow();
    }

    fn page_done(&self) {
        self.bar.inc(1);
        self.show_bar_when_slow();
    }
}

fn doing(step: Step) -> String {
    match step {
        Step::Load => "reading content".into(),
        Step::Model => "checking its structure".into(),
        Step::Render { pages } => format!("rendering {pages} pages"),
        Step::Write => "finishing: sitemap, search indexes, ticket contract".into(),
    }
}

fn done(step: Step) -> String {
    match step {
        Step::Load => "read content".into(),
        Step::Model => "checked its structure".into(),
        Step::Render { pages } => format!("rendered {pages} pages"),
        Step::Write => "finished".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_are_one_line_with_escaped_data_and_properties() {
        let d = Diagnostic::error(
            "content/en/a,b.md",
            Some(3),
            "100% wrong: `title`\nsecond line",
            "add it",
        );
        assert_eq!(annotation(&d), "::error file=content/en/a%2Cb.md,line=3::100%25 wrong: `title`%0Asecond line%0Ahelp: add it");
        let w = Diagnostic::warning("content/it", None, "3 missing", "");
        assert_eq!(annotation(&w), "::warning file=content/it::3 missing");
    }

    #[test]
    fn quiet_human_output_keeps_errors_only_and_github_keeps_all() {
        let all = [
            Diagnostic::error("a", None, "e", ""),
            Diagnostic::warning("b", None, "w", ""),
        ];
        assert_eq!(diagnostics(Format::Human, &all, Verbosity::Quiet).len(), 1);
        assert_eq!(diagnostics(Format::Human, &all, Verbosity::Normal).len(), 2);
        assert_eq!(diagnostics(Format::Github, &all, Verbosity::Quiet).len(), 2);
        assert!(diagnostics(Format::Json, &all, Verbosity::Normal).is_empty());
    }
}
