//! The default theme speaks every code the ticket function answers with, in every language.

use std::collections::BTreeMap;

use ticket_function::Code;

fn strings(lang: &str) -> BTreeMap<String, String> {
    let path = format!("{}/../site/i18n/{lang}.yaml", env!("CARGO_MANIFEST_DIR"));
    serde_norway::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

#[test]
fn every_validation_code_has_a_message_in_every_language() {
    for lang in ["en", "it", "es", "ru", "vi", "ar"] {
        let strings = strings(lang);
        for code in Code::ALL {
            let key = format!("error_{}", code.as_str());
            assert!(
                strings.get(&key).is_some_and(|s| !s.trim().is_empty()),
                "site/i18n/{lang}.yaml has no `{key}`"
            );
        }
    }
}
