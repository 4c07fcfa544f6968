//! The browser's half of search: Pagefind's `pagefind.js` and its WebAssembly (per stemming
//! language), taken from the `pagefind` crate and shipped in every bundle.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use super::words::stemmer;
use super::SearchError;

/// Pagefind's search runtime: `pagefind.js` and the WebAssembly per stemming language, as the
/// `pagefind` crate ships them (the files are embedded in it; its API is the way to get them).
pub struct Runtime {
    pub(super) js: Vec<u8>,
    wasm: HashMap<String, Vec<u8>>,
}

impl Runtime {
    /// The files for the given languages, asked of Pagefind once per process (`serve` rebuilds
    /// reuse them). Pagefind is asked in a thread of its own: its API is async, and this may be
    /// called from within another async runtime (`helpcenter serve`).
    pub fn load<S: AsRef<str> + Sync>(languages: &[S]) -> Result<Arc<Runtime>, SearchError> {
        static LOADED: Mutex<Option<Arc<Runtime>>> = Mutex::new(None);
        let mut loaded = LOADED.lock().unwrap_or_else(PoisonError::into_inner);
        let has_all = |r: &Runtime| {
            languages
                .iter()
                .all(|l| stemmer(l.as_ref()).is_none() || r.wasm.contains_key(l.as_ref()))
        };
        if let Some(runtime) = loaded.as_ref().filter(|r| has_all(r)) {
            return Ok(runtime.clone());
        }
        let mut wanted: Vec<String> = languages.iter().map(|l| l.as_ref().to_string()).collect();
        wanted.extend(
            loaded
                .iter()
                .flat_map(|r| r.wasm.keys().filter(|k| *k != "unknown").cloned()),
        );
        wanted.sort();
        wanted.dedup();
        let runtime = std::thread::scope(|scope| {
            scope
                .spawn(|| Self::load_here(&wanted))
                .join()
                .map_err(|_| SearchError::Panicked)
        })??;
        let runtime = Arc::new(runtime);
        *loaded = Some(runtime.clone());
        Ok(runtime)
    }

    fn load_here<S: AsRef<str>>(languages: &[S]) -> Result<Runtime, SearchError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(SearchError::Thread)?;
        let runtime = rt
            .block_on(Self::ask_pagefind(languages))
            .map_err(|e| SearchError::Pagefind(e.into()))?;
        if runtime.js.is_empty() || !runtime.wasm.contains_key("unknown") {
            return Err(SearchError::NoRuntime);
        }
        Ok(runtime)
    }

    /// Pagefind's files for an index of one page per language: the runtime among them.
    async fn ask_pagefind<S: AsRef<str>>(languages: &[S]) -> anyhow::Result<Runtime> {
        use pagefind::{api::PagefindIndex, options::PagefindServiceConfig};
        let mut index = PagefindIndex::new(Some(PagefindServiceConfig::builder().build()))?;
        for language in languages {
            let language = language.as_ref();
            index
                .add_custom_record(
                    format!("/{language}/"),
                    "runtime".into(),
                    language.into(),
                    None,
                    None,
                    None,
                )
                .await?;
        }
        let mut runtime = Runtime {
            js: Vec::new(),
            wasm: HashMap::new(),
        };
        for file in index.get_files().await? {
            let name = file.filename.to_string_lossy().into_owned();
            if name == "pagefind.js" {
                runtime.js = file.contents;
            } else if let Some(language) = name
                .strip_prefix("wasm.")
                .and_then(|n| n.strip_suffix(".pagefind"))
            {
                runtime.wasm.insert(language.to_string(), file.contents);
            }
        }
        Ok(runtime)
    }

    /// The WebAssembly with the language's stemmer, if Pagefind has one.
    pub(super) fn wasm_for(&self, language: &str) -> Option<&[u8]> {
        stemmer(language)?;
        self.wasm.get(language).map(Vec::as_slice)
    }

    pub(super) fn unknown_wasm(&self) -> &[u8] {
        &self.wasm["unknown"]
    }
}
