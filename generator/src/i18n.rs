//! The theme's UI strings per language (`site/i18n/<lang>.yaml`): loaded once, checked for
//! completeness against the reference language, and formatted (dates, days).

use std::collections::BTreeMap;
use std::path::Path;

use crate::config::Weekday;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::frontmatter;
use crate::ids::PerLanguage;

/// The theme's reference strings: every other language must translate each of its keys.
pub const REFERENCE_LANGUAGE: &str = "en";
/// The theme's folder of UI strings, one `<code>.yaml` per language.
pub const STRINGS_DIR: &str = "i18n";

pub type Strings = BTreeMap<String, String>;

/// UI strings with this prefix are the words of the ticket worker's emails: they go into the
/// ticket contract, not into pages.
pub const EMAIL_PREFIX: &str = "email_";

/// The strings pages get: all but the emails' (the contact page embeds its strings for the
/// form's script).
pub fn page_strings(mut strings: PerLanguage<Strings>) -> PerLanguage<Strings> {
    for language in strings.iter_mut() {
        language.retain(|key, _| !key.starts_with(EMAIL_PREFIX));
    }
    strings
}

/// Loads the strings of `languages` from `site_dir/i18n/`. A language without a file, or without a
/// key the reference has, is an error; its missing keys borrow the reference's text so the rest of
/// the build can still report its problems.
pub fn load(
    site_dir: &Path,
    languages: &[&str],
    diagnostics: &Diagnostics,
) -> PerLanguage<Strings> {
    let dir = site_dir.join(STRINGS_DIR);
    let read = |code: &str| -> Result<Strings, Diagnostic> {
        let path = dir.join(format!("{code}.yaml"));
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Diagnostic::error(
                &path,
                None,
                format!("missing required label translation: no UI strings for `{code}` ({e})"),
                format!(
                    "copy {}/{REFERENCE_LANGUAGE}.yaml to {code}.yaml and translate every value",
                    dir.display()
                ),
            )
        })?;
        frontmatter::parse(&text, &path, 1)
    };
    let reference = match read(REFERENCE_LANGUAGE) {
        Ok(strings) => strings,
        Err(d) => {
            diagnostics.push(d);
            Strings::new()
        }
    };
    languages
        .iter()
        .map(|&code| {
            let path = dir.join(format!("{code}.yaml"));
            let mut strings = match read(code) {
                Ok(s) => s,
                Err(d) => {
                    if code != REFERENCE_LANGUAGE {
                        diagnostics.push(d);
                    }
                    Strings::new()
                }
            };
            let missing: Vec<&String> = reference.keys().filter(|k| !strings.contains_key(*k)).collect();
            if !missing.is_empty() && path.exists() {
                let keys = missing.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
                diagnostics.push(Diagnostic::error(&path, None, format!("missing required label translation: {} UI string(s) not translated: {keys}", missing.len()), format!("add each key with its {code} text; the English text is in {REFERENCE_LANGUAGE}.yaml")));
            }
            for (key, value) in &reference {
                strings.entry(key.clone()).or_insert_with(|| value.clone());
            }
            strings
        })
        .collect()
}

/// A date as the language writes it, from its `date_format` ("{day} {month} {year}") and `months`
/// (twelve names, comma-separated).
pub fn format_date(strings: &Strings, date: jiff::civil::Date) -> String {
    let (year, month, day) = (date.year(), date.month(), date.day());
    let months: Vec<&str> = strings
        .get("months")
        .map(|m| m.split(',').map(str::trim).collect())
        .unwrap_or_default();
    let month_name = months
        .get(month as usize - 1)
        .map_or_else(|| month.to_string(), |m| m.to_string());
    let format = strings
        .get("date_format")
        .map_or("{year}-{month}-{day}", String::as_str);
    format
        .replace("{day}", &day.to_string())
        .replace("{month}", &month_name)
        .replace("{year}", &year.to_string())
}

/// "Monday–Friday" for a run of consecutive days, "Saturday, Sunday" otherwise.
pub fn format_days(strings: &Strings, days: &[Weekday]) -> String {
    let name = |d: &Weekday| {
        let key = format!(
            "day_{}",
            serde_json::to_value(d)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default()
        );
        strings.get(&key).cloned().unwrap_or(key)
    };
    let consecutive = days.windows(2).all(|w| w[1] as u8 == w[0] as u8 + 1);
    match days {
        [first, .., last] if consecutive && days.len() > 2 => {
            format!("{}–{}", name(first), name(last))
        }
        _ => days.iter().map(name).collect::<Vec<_>>().join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::LangId;

    fn strings() -> Strings {
        [
            ("months", "January, February, March"),
            ("date_format", "{day} {month} {year}"),
            ("day_mon", "Monday"),
            ("day_fri", "Friday"),
            ("day_tue", "Tuesday"),
            ("day_wed", "Wednesday"),
            ("day_thu", "Thursday"),
            ("day_sat", "Saturday"),
            ("day_sun", "Sunday"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn dates_are_localized() {
        // Text that is no date never gets here: `frontmatter::parse_date` refuses it when loading.
        assert_eq!(
            format_date(&strings(), jiff::civil::date(2026, 3, 7)),
            "7 March 2026"
        );
    }

    #[test]
    fn day_ranges() {
        use Weekday::*;
        assert_eq!(
            format_days(&strings(), &[Mon, Tue, Wed, Thu, Fri]),
            "Monday–Friday"
        );
        assert_eq!(format_days(&strings(), &[Sat, Sun]), "Saturday, Sunday");
    }

    #[test]
    fn missing_keys_are_errors_and_borrow_the_reference() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("i18n")).unwrap();
        std::fs::write(
            dir.path().join("i18n/en.yaml"),
            "search: Search\nhome: Home\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("i18n/it.yaml"), "search: Cerca\n").unwrap();
        let diagnostics = Diagnostics::default();
        let all = load(dir.path(), &["en", "it", "ru"], &diagnostics);
        assert_eq!(all[LangId::from(1)]["search"], "Cerca");
        assert_eq!(all[LangId::from(1)]["home"], "Home");
        let found = diagnostics.into_sorted();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found
            .iter()
            .any(|d| d.message.contains("`home`") && d.file.ends_with("it.yaml")));
        assert!(found
            .iter()
            .any(|d| d.message.contains("no UI strings for `ru`")));
    }
}
