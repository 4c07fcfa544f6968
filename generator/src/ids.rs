//! Typed indices into the model's lists: a language, audience, category or article is named by
//! its own kind of id, so an article index can never be used as a language index. Lists indexed
//! by them are [`TiVec`]s (`site.articles[a]` with `a: ArticleId`).

pub use typed_index_collections::{TiSlice, TiVec};

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(usize);

        impl From<usize> for $name {
            fn from(index: usize) -> Self {
                Self(index)
            }
        }

        impl From<$name> for usize {
            fn from(id: $name) -> usize {
                id.0
            }
        }
    };
}

id!(
    /// A language of the site, in the order of `languages` in helpcenter.yaml.
    LangId
);
id!(
    /// An audience, in the order of `audiences` in helpcenter.yaml.
    AudienceId
);
id!(
    /// A category, in reading order (audience, `order`, title).
    CategoryId
);
id!(
    /// An article, in reading order (category, `order`, title).
    ArticleId
);

/// One value per language of the site.
pub type PerLanguage<T> = TiVec<LangId, T>;
