//! The ticket function: the typed ticket contract shared with the generator, and (to come) the
//! request handler: parse → validate → store | email → response.

pub mod contract;
