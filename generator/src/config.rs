//! `content/helpcenter.yaml`: the site's settings, typed, with unknown keys rejected.

mod support;

use std::path::Path;

use serde::{Deserialize, Serialize};
use ticket_function::contract::{Attachments, FileType};

use crate::diagnostics::Diagnostic;
use crate::frontmatter::{self, KeyLines};

pub use support::SupportZone;

pub const CONFIG_FILE: &str = "helpcenter.yaml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    pub base_url: String,
    pub default_language: String,
    pub languages: Vec<LanguageConfig>,
    pub audiences: Vec<String>,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    #[serde(default)]
    pub home: HomeConfig,
    #[serde(default = "default_section_article_limit")]
    pub section_article_limit: usize,
    pub ticket: TicketConfig,
    pub contact: ContactConfig,
    /// The site's icon, a file of `content/static/` (`images/icon.svg`); unset: the theme's.
    #[serde(default)]
    pub favicon: Option<String>,
    /// `<meta name="theme-color">` (`#1d4ed8`); unset: the theme's colour.
    #[serde(default)]
    pub theme_color: Option<String>,
    /// The line of each setting in the file, for problems found after loading.
    #[serde(skip)]
    pub lines: KeyLines,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    pub code: String,
    pub name: String,
    pub direction: Option<Direction>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Ltr,
    Rtl,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    #[serde(default)]
    pub allow_html: bool,
    #[serde(default = "default_toc_min_headings")]
    pub toc_min_headings: usize,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        Self {
            allow_html: false,
            toc_min_headings: default_toc_min_headings(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HomeConfig {
    /// Article paths under a language folder, without `.md`.
    #[serde(default)]
    pub popular: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketConfig {
    pub endpoint: String,
    pub fallback_email: String,
    pub response_hours: u32,
    #[serde(default = "default_subject_max")]
    pub subject_max_chars: usize,
    #[serde(default = "default_description_max")]
    pub description_max_chars: usize,
    #[serde(default = "default_username_max")]
    pub username_max_chars: usize,
    #[serde(default = "default_min_fill_seconds")]
    pub min_fill_seconds: u64,
    #[serde(default = "default_max_body_kib")]
    pub max_body_kib: usize,
    /// Whether submitters get an acknowledgement email (with their ticket number).
    #[serde(default = "default_true")]
    pub acknowledge: bool,
    /// The privacy policy every acknowledgement links to (required when `acknowledge`).
    #[serde(default)]
    pub privacy_url: Option<String>,
    /// Files on tickets: how many, how large, which types (`max_files: 0` turns them off).
    #[serde(default)]
    pub attachments: AttachmentsConfig,
}

/// `ticket.attachments`; each key may be left out for its default.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AttachmentsConfig {
    pub max_files: u32,
    pub max_file_mib: u32,
    pub types: Vec<FileType>,
    /// Where the browser `PUT`s files (the presigned URLs' origin), for the pages'
    /// Content-Security-Policy; by default implied by an API Gateway endpoint (`headers.rs`).
    pub upload_origin: Option<String>,
}

impl Default for AttachmentsConfig {
    fn default() -> Self {
        let d = Attachments::default();
        AttachmentsConfig {
            max_files: d.max_files,
            max_file_mib: d.max_file_mib,
            types: d.types,
            upload_origin: None,
        }
    }
}

impl AttachmentsConfig {
    /// The contract's limits; the post without JavaScript keeps Lambda's fixed limit.
    pub fn limits(&self) -> Attachments {
        Attachments {
            max_files: self.max_files,
            max_file_mib: self.max_file_mib,
            types: self.types.clone(),
            ..Attachments::default()
        }
    }
}

fn default_true() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactConfig {
    /// An IANA zone; the hours are wall-clock times there.
    pub timezone: SupportZone,
    pub hours: Vec<Hours>,
    /// Days support is closed, whatever the hours say.
    #[serde(default, deserialize_with = "support::holidays")]
    pub holidays: Vec<jiff::civil::Date>,
    #[serde(default)]
    pub departments: Vec<Department>,
    #[serde(default)]
    pub social: Vec<Social>,
}

impl ContactConfig {
    /// The zone's label this year, e.g. "CET/CEST (UTC+1/UTC+2)" (see [`SupportZone::label`]).
    pub fn timezone_label(&self) -> String {
        let now = jiff::tz::TimeZone::UTC.to_datetime(jiff::Timestamp::now());
        self.timezone.label(now.year())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hours {
    pub days: Vec<Weekday>,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Department {
    pub id: String,
    pub kind: DepartmentKind,
    pub email: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DepartmentKind {
    /// A billing department with its own contact.
    Billing,
    /// Something support cannot help with, and where to go instead.
    Elsewhere,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Social {
    pub name: String,
    pub url: String,
}

fn default_toc_min_headings() -> usize {
    3
}
fn default_section_article_limit() -> usize {
    6
}
fn default_subject_max() -> usize {
    120
}
fn default_description_max() -> usize {
    5000
}
fn default_username_max() -> usize {
    64
}
fn default_min_fill_seconds() -> u64 {
    3
}
fn default_max_body_kib() -> usize {
    64
}

/// Scripts written right to left, for languages that do not say their direction.
const RTL_LANGUAGES: &[&str] = &[
    "ar", "arc", "ckb", "dv", "fa", "he", "ks", "ku", "ps", "sd", "ug", "ur", "yi",
];

impl LanguageConfig {
    pub fn direction(&self) -> Direction {
        self.direction.unwrap_or_else(|| {
            let primary = self.code.split('-').next().unwrap_or(&self.code);
            if RTL_LANGUAGES.contains(&primary) {
                Direction::Rtl
            } else {
                Direction::Ltr
            }
        })
    }
}

impl Config {
    /// Reads and checks `helpcenter.yaml` in `content_dir`.
    pub fn load(content_dir: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = content_dir.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            vec![Diagnostic::error(
                &path,
                None,
                format!("cannot read the site settings: {e}"),
                "every help center has content/helpcenter.yaml; `helpcenter new DIR` writes a starter one",
            )]
        })?;
        Config::from_yaml(&text, &path)
    }

    /// Parses and checks the text of a `helpcenter.yaml`; `path` names it in diagnostics.
    pub fn from_yaml(text: &str, path: &Path) -> Result<Config, Vec<Diagnostic>> {
        let (mut config, lines): (Config, _) =
            frontmatter::parse_with_lines(text, path, 1).map_err(|d| vec![d])?;
        config.lines = lines;
        let mut problems = config.problems(path);
        if problems.is_empty() {
            Ok(config)
        } else {
            problems.sort_by_key(|d| d.line);
            Err(problems)
        }
    }

    /// The checks serde cannot make: references between keys, URLs, ids.
    fn problems(&self, path: &Path) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        // `key` is a path as in [`KeyLines`]: the setting, or the list item, to fix.
        let mut err = |key: &str, message: String, hint: &str| {
            out.push(Diagnostic::error(path, self.lines.get(key), message, hint))
        };
        self.language_problems(&mut err);
        self.audience_problems(&mut err);
        if !(self.base_url.starts_with("https://") || self.base_url.starts_with("http://"))
            || self.base_url.ends_with('/')
        {
            err(
                "base_url",
                format!(
                    "`base_url` must be an absolute http(s) URL without a trailing slash, not `{}`",
                    self.base_url
                ),
                "write it like `https://help.example.com`",
            );
        }
        self.ticket_problems(&mut err);
        self.look_problems(path, &mut err);
        self.hours_problems(&mut err);
        for (i, dup) in duplicates(self.contact.departments.iter().map(|d| d.id.as_str())) {
            err(
                &format!("contact.departments[{i}].id"),
                format!("department `{dup}` is listed twice"),
                "give each department its own id",
            );
        }
        out
    }

    fn ticket_problems(&self, err: &mut Problem<'_>) {
        let ticket = &self.ticket;
        if !ticket.fallback_email.contains('@') {
            err(
                "ticket.fallback_email",
                format!(
                    "`ticket.fallback_email` `{}` is not an email address",
                    ticket.fallback_email
                ),
                "write the address support reads when the form is down",
            );
        }
        match &ticket.privacy_url {
            None if ticket.acknowledge => err(
                "ticket",
                "`ticket.privacy_url` is missing: every acknowledgement email links to the privacy policy".into(),
                "add `privacy_url: https://…/privacy` under `ticket:`, or `acknowledge: false` to send no acknowledgements",
            ),
            Some(url) if !(url.starts_with("https://") || url.starts_with("http://")) => err(
                "ticket.privacy_url",
                format!("`ticket.privacy_url` must be an absolute http(s) URL, not `{url}`"),
                "write it like `https://example.com/privacy`",
            ),
            _ => {}
        }
        if let Some(problem) = ticket.attachments.limits().problem() {
            err(
                "ticket.attachments",
                format!("`ticket.attachments`: {problem}"),
                "keep max_files at most 20, max_file_mib from 1 to 5120, each type once",
            );
        }
        if let Some(problem) = crate::headers::upload_origin_problem(ticket) {
            err("ticket.attachments", problem, "add `upload_origin: https://s3.<region>.amazonaws.com` (the bucket's presigned URLs' origin) under `ticket.attachments:`, or `max_files: 0`");
        }
    }

    /// Each row of hours is a span of one day, `HH:MM` to a later `HH:MM` (`24:00` for midnight):
    /// the page's script compares wall-clock times with them.
    fn hours_problems(&self, err: &mut Problem<'_>) {
        for (i, row) in self.contact.hours.iter().enumerate() {
            let (from, to) = (minutes(&row.from), minutes(&row.to));
            for (key, text, time) in [("from", &row.from, from), ("to", &row.to, to)] {
                if time.is_none() {
                    err(
                        &format!("contact.hours[{i}].{key}"),
                        format!("`{text}` is not a time written HH:MM"),
                        "write it like `\"09:00\"` (quoted), from 00:00 to 24:00",
                    );
                }
            }
            if let (Some(from), Some(to)) = (from, to) {
                if from >= to {
                    err(
                        &format!("contact.hours[{i}].to"),
                        format!("support closes at {} before it opens at {}", row.to, row.from),
                        "a row is a span of one day: write `to` after `from`, and split hours past midnight into two rows",
                    );
                }
            }
        }
    }

    /// `favicon` is a file the build copies; `theme_color` a colour every browser reads.
    fn look_problems(&self, path: &Path, err: &mut Problem<'_>) {
        if let Some(icon) = &self.favicon {
            let content = path.parent().unwrap_or(Path::new(""));
            if !content.join(crate::load::STATIC_DIR).join(icon).is_file() {
                err(
                    "favicon",
                    format!("`favicon` `{icon}` is not a file of content/static/"),
                    "put the icon under content/static/ and write its path there, e.g. `favicon: images/icon.svg`",
                );
            }
        }
        if let Some(colour) = &self.theme_color {
            let hex = colour.strip_prefix('#').unwrap_or("");
            if !matches!(hex.len(), 3 | 6) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                err(
                    "theme_color",
                    format!("`theme_color` `{colour}` is not a colour written #rgb or #rrggbb"),
                    "write it like `theme_color: \"#1d4ed8\"` (quoted: `#` starts a YAML comment)",
                );
            }
        }
    }

    fn language_problems(&self, err: &mut Problem<'_>) {
        if self.languages.is_empty() {
            err(
                "languages",
                "no languages are configured".into(),
                "list at least the default language under `languages:`",
            );
        }
        for (i, dup) in duplicates(self.languages.iter().map(|l| l.code.as_str())) {
            err(
                &format!("languages[{i}]"),
                format!("language `{dup}` is listed twice"),
                "list each language once",
            );
        }
        for (i, lang) in self.languages.iter().enumerate() {
            if !is_id(&lang.code) {
                err(
                    &format!("languages[{i}].code"),
                    format!("language code `{}` is not a folder-safe tag", lang.code),
                    "use a BCP 47 tag such as `en`, `pt-br`",
                );
            }
        }
        if !self
            .languages
            .iter()
            .any(|l| l.code == self.default_language)
        {
            err(
                "default_language",
                format!(
                    "the default language `{}` is not among `languages`",
                    self.default_language
                ),
                "add it to `languages:` or pick one of them",
            );
        }
    }

    fn audience_problems(&self, err: &mut Problem<'_>) {
        if self.audiences.is_empty() {
            err(
                "audiences",
                "no audiences are configured".into(),
                "list them, e.g. `audiences: [users, creators]`",
            );
        }
        for (i, dup) in duplicates(self.audiences.iter().map(String::as_str)) {
            err(
                &format!("audiences[{i}]"),
                format!("audience `{dup}` is listed twice"),
                "list each audience once",
            );
        }
        for (i, audience) in self.audiences.iter().enumerate() {
            if !is_id(audience) {
                err(
                    &format!("audiences[{i}]"),
                    format!("audience id `{audience}` is not a lowercase folder name"),
                    "use lowercase letters, digits and `-`",
                );
            }
        }
    }

    pub fn language(&self, code: &str) -> Option<&LanguageConfig> {
        self.languages.iter().find(|l| l.code == code)
    }

    /// The path part of `base_url` ("" or "/docs"), prefixed to every URL of the site.
    pub fn base_path(&self) -> &str {
        let after_scheme = self.base_url.split_once("://").map_or("", |(_, rest)| rest);
        after_scheme.find('/').map_or("", |i| &after_scheme[i..])
    }

    /// The scheme and host of `base_url` ("https://help.example.com").
    pub fn origin(&self) -> &str {
        let path = self.base_path();
        &self.base_url[..self.base_url.len() - path.len()]
    }
}

/// Reports a problem: (path of the setting as in [`KeyLines`], message, hint).
type Problem<'a> = dyn FnMut(&str, String, &str) + 'a;

/// Minutes since midnight of `HH:MM` (`24:00` is the day's end).
fn minutes(text: &str) -> Option<u32> {
    let (h, m) = text.split_once(':')?;
    let digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || !digits(m) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// Lowercase ASCII letters, digits and `-`: safe as a folder name and in URLs.
pub fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Items listed a second (or later) time, with their index.
fn duplicates<'a>(items: impl Iterator<Item = &'a str>) -> Vec<(usize, &'a str)> {
    let mut seen = std::collections::HashSet::new();
    items
        .enumerate()
        .filter(|(_, i)| !seen.insert(*i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "title: T\nbase_url: https://h.example/docs\ndefault_language: en\nlanguages:\n  - {code: en, name: English}\n  - {code: ar, name: العربية}\naudiences: [users]\nticket: {endpoint: /api/tickets, fallback_email: a@b.c, response_hours: 24, privacy_url: https://h.example/privacy}\ncontact: {timezone: Europe/Rome, hours: []}\n";

    fn load(text: &str) -> Result<Config, Vec<Diagnostic>> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), text).unwrap();
        Config::load(dir.path())
    }

    #[test]
    fn loads_minimal_config_with_defaults() {
        let c = load(MINIMAL).unwrap();
        assert_eq!(c.ticket.subject_max_chars, 120);
        assert_eq!(c.base_path(), "/docs");
        assert_eq!(c.origin(), "https://h.example");
        assert_eq!(c.language("ar").unwrap().direction(), Direction::Rtl);
        assert_eq!(c.language("en").unwrap().direction(), Direction::Ltr);
    }

    #[test]
    fn unknown_key_is_rejected_with_its_line() {
        let errors = load(&format!("{MINIMAL}colour: red\n")).unwrap_err();
        assert_eq!(errors[0].line, Some(10));
        assert!(errors[0].message.contains("unknown field `colour`"));
    }

    #[test]
    fn problems_point_at_the_item_to_fix_and_come_in_line_order() {
        let text = MINIMAL
            .replace("default_language: en", "default_language: fr")
            .replace("{code: ar,", "{code: AR,")
            .replace("a@b.c", "nobody")
            .replace("/docs", "/docs/");
        let errors = load(&text).unwrap_err();
        let found: Vec<(Option<usize>, &str)> = errors
            .iter()
            .map(|d| (d.line, d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (Some(2), "`base_url` must be an absolute http(s) URL without a trailing slash, not `https://h.example/docs/`"),
                (Some(3), "the default language `fr` is not among `languages`"),
                (Some(6), "language code `AR` is not a folder-safe tag"),
                (Some(8), "`ticket.fallback_email` `nobody` is not an email address"),
            ]
        );
    }

    #[test]
    fn attachments_have_defaults_and_checked_limits() {
        let config = load(MINIMAL).unwrap();
        assert_eq!(config.ticket.attachments.limits(), Attachments::default());
        let with = |a: &str| {
            MINIMAL.replace(
                "response_hours: 24",
                &format!("response_hours: 24, attachments: {a}"),
            )
        };
        let config = load(&with("{max_files: 2, types: [png, pdf]}")).unwrap();
        let limits = config.ticket.attachments.limits();
        assert_eq!((limits.max_files, limits.max_file_mib), (2, 20));
        assert_eq!(limits.types, [FileType::Png, FileType::Pdf]);
        let errors = load(&with("{max_files: 30}")).unwrap_err();
        assert!(
            errors[0]
                .message
                .contains("`ticket.attachments`: max_files 30"),
            "{errors:?}"
        );
        assert_eq!(errors[0].line, Some(8));
        let errors = load(&with("{types: [png, exe]}")).unwrap_err();
        assert!(errors[0].message.contains("exe"), "{errors:?}");
        assert!(load(&with("{max_files: 0}")).is_ok(), "0 turns them off");
    }

    #[test]
    fn acknowledgements_need_a_privacy_url() {
        let without = MINIMAL.replace(", privacy_url: https://h.example/privacy", "");
        let errors = load(&without).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].line, Some(8), "at `ticket:`");
        assert!(errors[0]
            .message
            .contains("`ticket.privacy_url` is missing"));
        let off = without.replace(
            "response_hours: 24",
            "response_hours: 24, acknowledge: false",
        );
        assert!(load(&off).is_ok());
        let relative = MINIMAL.replace("https://h.example/privacy", "/privacy");
        let errors = load(&relative).unwrap_err();
        assert!(
            errors[0].message.contains("absolute http(s) URL"),
            "{errors:?}"
        );
    }

    #[test]
    fn an_unknown_time_zone_is_reported_at_its_line() {
        let text = MINIMAL.replace(
            "contact: {timezone: Europe/Rome, hours: []}",
            "contact:\n  hours: []\n  timezone: \"CET (UTC+1)\"",
        );
        let errors = load(&text).unwrap_err();
        assert_eq!(errors[0].line, Some(11), "{errors:?}");
        assert_eq!(
            errors[0].message,
            "contact.timezone: `CET (UTC+1)` is not a time zone of the IANA database"
        );
        assert!(errors[0].hint.contains("`Europe/Rome`"), "{errors:?}");
        let config = load(&MINIMAL.replace("Europe/Rome", "europe/rome")).unwrap();
        assert_eq!(
            config.contact.timezone.name(),
            "Europe/Rome",
            "as the database spells it"
        );
    }

    #[test]
    fn holidays_are_dates_and_a_bad_one_is_reported_at_its_line() {
        let with = |list: &str| {
            MINIMAL.replace(
                "contact: {timezone: Europe/Rome, hours: []}",
                &format!("contact:\n  timezone: Europe/Rome\n  hours: []\n  holidays:\n{list}"),
            )
        };
        let config = load(&with("    - 2026-12-25\n    - 2027-01-01\n")).unwrap();
        assert_eq!(
            config.contact.holidays,
            [
                jiff::civil::date(2026, 12, 25),
                jiff::civil::date(2027, 1, 1)
            ]
        );
        assert_eq!(
            config.contact.timezone.label(2026),
            "CET/CEST (UTC+1/UTC+2)"
        );
        let errors = load(&with("    - 2026-12-25\n    - Christmas\n")).unwrap_err();
        assert_eq!(errors[0].line, Some(14), "{errors:?}");
        assert!(
            errors[0]
                .message
                .contains("holiday `Christmas` is not a date written YYYY-MM-DD"),
            "{errors:?}"
        );
        assert!(
            errors[0].hint.contains("holidays: [2026-12-25"),
            "{errors:?}"
        );
        let errors = load(&with("    - 2026-02-30\n")).unwrap_err();
        assert!(
            errors[0].message.contains("February 2026 has 28 days"),
            "{errors:?}"
        );
    }

    #[test]
    fn hours_are_spans_of_one_day() {
        let with = |from: &str, to: &str| {
            MINIMAL.replace(
                "hours: []",
                &format!("hours: [{{days: [mon], from: \"{from}\", to: \"{to}\"}}]"),
            )
        };
        assert!(load(&with("09:00", "18:00")).is_ok());
        assert!(load(&with("00:00", "24:00")).is_ok());
        let errors = load(&with("9am", "25:00")).unwrap_err();
        let found: Vec<_> = errors
            .iter()
            .map(|d| (d.line, d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (Some(9), "`9am` is not a time written HH:MM"),
                (Some(9), "`25:00` is not a time written HH:MM"),
            ]
        );
        let errors = load(&with("18:00", "09:00")).unwrap_err();
        assert_eq!(
            errors[0].message,
            "support closes at 09:00 before it opens at 18:00"
        );
    }

    #[test]
    fn favicon_and_theme_color_are_checked() {
        let text = format!("{MINIMAL}favicon: icon.svg\ntheme_color: \"blue\"\n");
        let errors = load(&text).unwrap_err();
        let found: Vec<_> = errors
            .iter()
            .map(|d| (d.line, d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    Some(10),
                    "`favicon` `icon.svg` is not a file of content/static/"
                ),
                (
                    Some(11),
                    "`theme_color` `blue` is not a colour written #rgb or #rrggbb"
                ),
            ]
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("static")).unwrap();
        std::fs::write(dir.path().join("static/icon.svg"), "<svg/>").unwrap();
        let ok = format!("{MINIMAL}favicon: icon.svg\ntheme_color: \"#0a0B0c\"\n");
        std::fs::write(dir.path().join(CONFIG_FILE), ok).unwrap();
        assert!(Config::load(dir.path()).is_ok());
    }

    #[test]
    fn cross_key_problems_are_all_reported() {
        let text = MINIMAL
            .replace("default_language: en", "default_language: fr")
            .replace("/docs", "/docs/");
        let errors = load(&text).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].line, Some(2));
    }
}
