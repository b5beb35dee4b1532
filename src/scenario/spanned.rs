//! Spanned TOML values: the alias every loader stage uses, and serde deserialisation that
//! keeps the value's span for the error. A leaf module, so that the walkers and the wording
//! helpers (`hints.rs`) can share it without importing each other.

use serde::Deserialize;
use serde_spanned::Spanned;
use std::ops::Range;
use toml::de::{DeValue, ValueDeserializer};

pub(crate) type Val<'a> = Spanned<DeValue<'a>>;

/// Deserializes a spanned TOML value with serde; errors keep the value's span.
pub(crate) fn de<'a, T: Deserialize<'a>>(v: &Val<'a>) -> Result<T, (Range<usize>, String)> {
    T::deserialize(ValueDeserializer::from(v.clone())).map_err(|e| {
        (
            e.span().unwrap_or_else(|| v.span()),
            e.message().to_string(),
        )
    })
}
