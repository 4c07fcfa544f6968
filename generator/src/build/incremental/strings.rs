//! The quick path for saved UI strings (`site/i18n/<code>.yaml`): the pages of the languages whose
//! strings changed are rendered again (a page shows its own language's strings only), and the
//! ticket contract is made again, since its emails' words are UI strings too. An edit to
//! `email_*` strings alone renders no page. Strings with problems (a key missing, a file that
//! does not parse) take the full build, which reports them with the rest of the site's.

use std::collections::BTreeSet;
use std::time::Instant;

use super::{Kept, Update};
use crate::build::{BuildError, BuildOptions};
use crate::diagnostics::Diagnostics;
use crate::i18n::{self, REFERENCE_LANGUAGE, STRINGS_DIR};
use crate::ids::LangId;
use crate::model::Alias;
use crate::urls::CONTRACT_FILE;
use crate::watch::Changes;
use crate::write::SiteFile;

impl Kept {
    /// The languages whose strings files `changes` modified (all of them for the reference
    /// language's, which fills every language's missing keys); `None` when anything else changed.
    pub(super) fn edited_strings(
        &self,
        options: &BuildOptions,
        changes: &Changes,
    ) -> Option<BTreeSet<LangId>> {
        if !changes.added.is_empty() || !changes.removed.is_empty() || changes.modified.is_empty() {
            return None;
        }
        let dir = options.site_dir.join(STRINGS_DIR);
        let languages = &self.site.languages;
        let mut edited = BTreeSet::new();
        for path in &changes.modified {
            let name = path.strip_prefix(&dir).ok()?.to_str()?;
            match name.strip_suffix(".yaml")? {
                REFERENCE_LANGUAGE => edited.extend(languages.keys()),
                code => {
                    edited.insert(languages.position(|l| l.code == code)?);
                }
            }
        }
        Some(edited)
    }

    /// Loads the strings again and renders the pages of `languages` whose page strings changed;
    /// `None` when the strings or the contract made from them have problems (the full build
    /// reports them).
    pub(super) fn strings_again(
        &mut self,
        options: &BuildOptions,
        languages: &BTreeSet<LangId>,
        started: Instant,
    ) -> Option<Result<Update, BuildError>> {
        let site = &self.site;
        let problems = Diagnostics::default();
        let codes: Vec<&str> = site.languages.iter().map(|l| l.code.as_str()).collect();
        let loaded = i18n::load(&options.site_dir, &codes, &problems);
        let contract = site.contract_with(&loaded, &problems);
        if !problems.is_empty() {
            return None;
        }
        let strings = i18n::page_strings(loaded);
        let changed: BTreeSet<LangId> = (languages.iter().copied())
            .filter(|&l| strings[l] != self.strings[l])
            .collect();
        // The root pages (no language of their own) go with any language, to be safe: two pages.
        let shows_changed = |i: usize| {
            let page = self.pages[i];
            page.language()
                .map_or(!changed.is_empty(), |l| changed.contains(&l))
        };
        let mut affected = std::mem::take(&mut self.pending);
        affected.extend((0..self.pages.len()).filter(|&i| shows_changed(i)));
        self.strings = strings;
        self.site.contract = contract;
        let aliases = |alias: &Alias| changed.contains(&alias.lang);
        let no_articles = BTreeSet::new();
        let update = self.render_again_or_keep(options, affected, &no_articles, &aliases, started);
        Some(update.map(|mut update| {
            let json = self.site.contract.to_json();
            let contract = SiteFile::Bytes(json.into_bytes().into());
            update
                .files
                .files
                .insert(CONTRACT_FILE.to_string(), contract);
            update
        }))
    }
}
