//! Exact money. Amounts are `rust_decimal::Decimal`, written in JSON as strings and never read
//! from JSON numbers, which may already have been rounded by a float parser.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, de};

/// Hours in a month as Azure prices them (8,760 / 12).
pub const HOURS_PER_MONTH: Decimal = Decimal::from_parts(730, 0, 0, false, 0);

fn parse<E: de::Error>(s: &str) -> Result<Decimal, E> {
    crate::text::parse_decimal(s).ok_or_else(|| E::custom(format!("invalid decimal amount {s:?}")))
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Raw {
    Text(String),
    Number(serde_json::Number),
}

/// Reads a required amount from a JSON string.
pub fn de<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    match Raw::deserialize(d)? {
        Raw::Text(s) => parse(&s),
        Raw::Number(n) => Err(de::Error::custom(format!(
            "amount {n} must be a JSON string such as \"{n}\": numbers may have lost precision"
        ))),
    }
}

/// Reads an optional amount from a JSON string or null.
pub fn de_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    match Option::<Raw>::deserialize(d)? {
        None => Ok(None),
        Some(Raw::Text(s)) => parse(&s).map(Some),
        Some(Raw::Number(n)) => Err(de::Error::custom(format!(
            "amount {n} must be a JSON string such as \"{n}\": numbers may have lost precision"
        ))),
    }
}

/// Money as integer micro-units, rounded half away from zero: the solvers' exact currency.
pub(crate) fn to_micro(d: Decimal) -> i128 {
    (d * Decimal::from(1_000_000)).round().mantissa()
}

/// Micro-units back to money.
pub(crate) fn from_micro(m: i128) -> Decimal {
    Decimal::from_i128_with_scale(m, 6).normalize()
}

/// An amount for people to read: two decimals, thousands grouped (`12,345.60`).
pub(crate) fn display(d: Decimal) -> String {
    let r = d.round_dp(2);
    let s = format!("{r:.2}");
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{frac}")
}

#[cfg(test)]
mod tests {
    use super::display;
    use rust_decimal::Decimal;

    #[test]
    fn money_groups_thousands_and_rounds_to_cents() {
        assert_eq!(display(Decimal::new(123456789, 3)), "123,456.79");
        assert_eq!(display(Decimal::new(-5, 1)), "-0.50");
        assert_eq!(display(Decimal::ZERO), "0.00");
    }
}
