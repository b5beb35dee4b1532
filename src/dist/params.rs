//! The parameter list of a distribution table (`[mu, sd]` in `{ normal = [mu, sd] }`), read
//! with the distribution's name in hand, so that a wrong value says which form is expected
//! ("`normal` takes [mu, sd], two numbers; got a string") instead of serde's "did not match
//! any variant of untagged enum".

use super::form;
use crate::suggest::Num;
use serde::de::{self, DeserializeSeed, SeqAccess, Visitor};
use serde::Deserializer;
use std::fmt;

/// Reads the `n` numbers of distribution `name`: a number when `n == 1`, else an array.
pub(super) struct ParamsSeed<'a> {
    pub name: &'a str,
    pub n: usize,
}

impl ParamsSeed<'_> {
    fn expected(&self) -> String {
        let count = match self.n {
            1 => "one number".to_string(),
            2 => "two numbers".to_string(),
            n => format!("{n} numbers"),
        };
        // `{ normal = [mu, sd] }` → `[mu, sd]`: the part the user wrote wrong.
        let form = form(self.name).unwrap_or("");
        let args = form
            .split_once(" = ")
            .map_or(form, |(_, r)| r.trim_end_matches(" }"));
        format!("`{}` takes {count} (`{args}`)", self.name)
    }

    fn wrong<E: de::Error>(&self, got: &str) -> E {
        E::custom(format!("{}, got {got}", self.expected()))
    }

    fn count<E: de::Error>(&self, v: Vec<f64>) -> Result<Vec<f64>, E> {
        if v.len() != self.n {
            let got = match v.len() {
                0 => "an empty list".to_string(),
                1 => "one number".to_string(),
                k => format!("{k} numbers"),
            };
            return Err(self.wrong(&got));
        }
        Ok(v)
    }
}

impl<'de> DeserializeSeed<'de> for ParamsSeed<'_> {
    type Value = Vec<f64>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<f64>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ParamsSeed<'_> {
    type Value = Vec<f64>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.expected())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Vec<f64>, E> {
        self.count(vec![v as f64])
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Vec<f64>, E> {
        self.count(vec![v as f64])
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Vec<f64>, E> {
        self.count(vec![v])
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<f64>, E> {
        Err(self.wrong(&format!("the string \"{}\"", v.escape_debug())))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Vec<f64>, E> {
        Err(self.wrong(&format!("`{v}`")))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<Vec<f64>, A::Error> {
        Err(self.wrong("a table"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<f64>, A::Error> {
        let mut out = Vec::new();
        while let Some(x) = seq.next_element_seed(Item(&self, out.len() + 1))? {
            out.push(x);
        }
        self.count(out)
    }
}

/// One element of the parameter array: a number, or an error that names its position.
struct Item<'s, 'a>(&'s ParamsSeed<'a>, usize);

impl<'de> DeserializeSeed<'de> for Item<'_, '_> {
    type Value = f64;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<f64, D::Error> {
        d.deserialize_any(self)
    }
}

impl Item<'_, '_> {
    fn wrong<E: de::Error>(&self, got: &str) -> E {
        E::custom(format!(
            "{}; item {} is {got}, not a finite number",
            self.0.expected(),
            self.1
        ))
    }
}

impl<'de> Visitor<'de> for Item<'_, '_> {
    type Value = f64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        if v.is_finite() {
            Ok(v)
        } else {
            Err(self.wrong(&Num(v).to_string()))
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        Err(self.wrong(&format!("the string \"{}\"", v.escape_debug())))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<f64, E> {
        Err(self.wrong(&format!("`{v}`")))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<f64, A::Error> {
        Err(self.wrong("a list"))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<f64, A::Error> {
        Err(self.wrong("a table"))
    }
}
