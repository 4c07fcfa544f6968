//! `helpcenter`: turns a folder of Markdown into a multilingual static help center.
//!
//! The data flows one way: `content/` → [`load`] → [`model`] → [`render`] → [`write`] `public/`,
//! driven by [`build`].

pub mod build;
pub mod config;
pub mod diagnostics;
pub mod frontmatter;
pub mod i18n;
pub mod load;
pub mod markdown;
pub mod model;
pub mod render;
pub mod sitemap;
pub mod write;
