//! Exact money. Amounts are `rust_decimal::Decimal`, written in JSON as strings and never read
//! from JSON numbers, which may already have been rounded by a float parser.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// Hours in a month as Azure prices them (8,760 / 12).
pub const HOURS_PER_MONTH: Decimal = Decimal::from_parts(730, 0, 0, false, 0);

/// The largest amount ahb accepts anywhere (an hourly, monthly or yearly price, a penalty): one
/// billion currency units. Larger is a unit mistake, and the bound keeps every sum and product of
/// the engine exact (amounts × hours × counts stay far inside `Decimal` and `i128`).
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);

/// The smallest non-zero amount ahb can represent: one micro-unit (0.000001). The solvers count
/// in micro-units, so a smaller non-zero amount would silently become 0; it is refused instead.
pub const MICRO_UNIT: Decimal = Decimal::from_parts(1, 0, 0, false, 6);

/// Reads an amount: the syntax of [`crate::text::parse_decimal`] (the one rule every reader
/// of ahb uses), within [`check_amount`]'s bounds.
pub fn parse_amount(s: &str) -> Result<Decimal, String> {
    let d = crate::text::parse_decimal(s).ok_or_else(|| format!("invalid decimal amount {s:?}"))?;
    check_amount(d)?;
    Ok(d)
}

/// Checks an amount's bounds: at most [`MAX_AMOUNT`] in absolute value, and not a non-zero
/// amount below one [`MICRO_UNIT`] (which the micro-unit solvers would round to 0).
pub fn check_amount(d: Decimal) -> Result<(), String> {
    // The common case without a decimal comparison: at most 10^9 units of at most six decimals
    // is neither too large nor a non-zero amount below one micro-unit.
    if d.scale() <= 6 && d.mantissa().unsigned_abs() <= 1_000_000_000 {
        return Ok(());
    }
    if d.abs() > MAX_AMOUNT {
        return Err(format!(
            "amount {d} is implausibly large (at most {MAX_AMOUNT} in absolute value)"
        ));
    }
    if !d.is_zero() && d.abs() < MICRO_UNIT {
        return Err(format!(
            "amount {d} is below one micro-unit ({MICRO_UNIT}) and would be rounded to 0"
        ));
    }
    Ok(())
}

fn parse<E: de::Error>(s: &str) -> Result<Decimal, E> {
    parse_amount(s).map_err(E::custom)
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

/// Money as integer micro-units, rounded half to even (`Decimal::round`): the solvers' exact
/// currency. Amounts past `Decimal`'s range saturate instead of panicking; validated amounts
/// (at most [`MAX_AMOUNT`]) never come near it.
pub(crate) fn to_micro(d: Decimal) -> i128 {
    // At most six decimals (prices and savings almost always): the micro-units are the
    // mantissa scaled up, exactly, without a decimal multiplication and rounding. A mantissa
    // has at most 96 bits, so the product fits an i128; past `Decimal`'s range it saturates
    // as the multiplication below would.
    if d.scale() <= 6 {
        let bound = Decimal::MAX.mantissa();
        let m = d.mantissa() * 10i128.pow(6 - d.scale());
        return m.clamp(-bound, bound);
    }
    match d.checked_mul(Decimal::from(1_000_000)) {
        Some(m) => m.round().mantissa(),
        None if d.is_sign_negative() => Decimal::MIN.mantissa(),
        None => Decimal::MAX.mantissa(),
    }
}

/// Micro-units back to money. Values past `Decimal`'s 96-bit mantissa saturate instead of
/// panicking (validated input never comes near it).
pub(crate) fn from_micro(m: i128) -> Decimal {
    let bound = Decimal::MAX.mantissa();
    Decimal::from_i128_with_scale(m.clamp(-bound, bound), 6).normalize()
}

/// An amount's JSON text, exactly rust_decimal's (every digit of its scale, `-` when the sign
/// is negative, `-0` included), written from the mantissa by `itoa` instead of rust_decimal's
/// digit-by-digit division of its 96-bit mantissa: the reports hold an amount per row.
fn plain(d: Decimal, out: &mut [u8; 64]) -> &str {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(d.mantissa().unsigned_abs()).as_bytes();
    let scale = d.scale() as usize;
    let mut n = 0;
    let mut put = |bytes: &[u8]| {
        out[n..n + bytes.len()].copy_from_slice(bytes);
        n += bytes.len();
    };
    if d.is_sign_negative() {
        put(b"-");
    }
    if scale == 0 {
        put(digits);
    } else if digits.len() > scale {
        let (int, frac) = digits.split_at(digits.len() - scale);
        put(int);
        put(b".");
        put(frac);
    } else {
        put(b"0.");
        for _ in digits.len()..scale {
            put(b"0");
        }
        put(digits);
    }
    // Digits, sign and point only: ASCII.
    std::str::from_utf8(&out[..n]).unwrap_or_default()
}

/// An amount as [`ser`] writes it, for optional fields.
struct Plain(Decimal);

impl Serialize for Plain {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(plain(self.0, &mut [0; 64]))
    }
}

/// Writes an amount as rust_decimal's `Serialize` does (a string), faster: the serializer of
/// the amounts of report rows (`#[serde(serialize_with = "crate::money::ser")]`).
pub(crate) fn ser<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    Plain(*d).serialize(s)
}

/// [`ser`] for an optional amount.
pub(crate) fn ser_opt<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_some(&Plain(*d)),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micro_units_with_few_decimals_are_the_mantissa_scaled() {
        // The fast path (scale at most 6) against the decimal multiplication and rounding.
        let slow = |d: Decimal| match d.checked_mul(Decimal::from(1_000_000)) {
            Some(m) => m.round().mantissa(),
            None if d.is_sign_negative() => Decimal::MIN.mantissa(),
            None => Decimal::MAX.mantissa(),
        };
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mantissa = i128::from(x as i64) * i128::from((x >> 40) as u16);
            for scale in 0..=9 {
                let d = Decimal::from_i128_with_scale(mantissa, scale);
                assert_eq!(to_micro(d), slow(d), "{d}");
            }
        }
        for d in [
            Decimal::MAX,
            Decimal::MIN,
            Decimal::ZERO,
            Decimal::new(5, 7),
            Decimal::new(15, 7),
        ] {
            assert_eq!(to_micro(d), slow(d), "{d}");
        }
    }

    #[test]
    fn amounts_are_read_strictly() {
        for ok in [
            "1", "1.5", "-0.25", "+2", "2e-3", "1E3", " 7 ", "0", "0.000001", ".5",
        ] {
            assert!(parse_amount(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "1_000",
            "1,000",
            "$5",
            "NaN",
            "inf",
            "1.2.3",
            "1e",
            "1e+",
            "e5",
            "-",
            "1e99999",
            "0.0000004",
            "1000000001",
            "1e30",
            "0x10",
            "1 000",
        ] {
            assert!(parse_amount(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn micro_conversions_saturate() {
        assert_eq!(to_micro(Decimal::MAX), Decimal::MAX.mantissa());
        assert_eq!(to_micro(Decimal::MIN), Decimal::MIN.mantissa());
        assert_eq!(
            from_micro(i128::MAX),
            Decimal::MAX.normalize() / Decimal::from(1_000_000)
        );
        assert_eq!(to_micro(Decimal::new(15, 1)), 1_500_000);
    }
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
mod plain_tests {
    use super::*;
    use proptest::prelude::*;

    fn same(d: Decimal) {
        let ours = serde_json::to_string(&Plain(d)).unwrap();
        assert_eq!(ours, serde_json::to_string(&d).unwrap(), "{d:?}");
        assert_eq!(ours, format!("{:?}", d.to_string()), "{d:?}");
    }

    #[test]
    fn edges_are_written_as_rust_decimal_writes_them() {
        for scale in 0..=28 {
            for (lo, mid, hi) in [
                (0, 0, 0),
                (1, 0, 0),
                (9, 0, 0),
                (10, 0, 0),
                (u32::MAX, u32::MAX, u32::MAX),
            ] {
                for negative in [false, true] {
                    same(Decimal::from_parts(lo, mid, hi, negative, scale));
                }
            }
        }
        same(Decimal::MAX);
        same(Decimal::MIN);
        same(-Decimal::ZERO);
        same(Decimal::new(-5, 3));
    }

    proptest! {
        #[test]
        fn any_amount_is_written_as_rust_decimal_writes_it(
            lo: u32, mid: u32, hi: u32, negative: bool, scale in 0u32..=28, small: u32,
        ) {
            same(Decimal::from_parts(lo, mid, hi, negative, scale));
            same(Decimal::from_parts(small % 100_000, 0, 0, negative, scale));
        }
    }
}

#[cfg(test)]
mod display_tests {
    use super::display;
    use rust_decimal::Decimal;

    #[test]
    fn money_groups_thousands_and_rounds_to_cents() {
        assert_eq!(display(Decimal::new(123456789, 3)), "123,456.79");
        assert_eq!(display(Decimal::new(-5, 1)), "-0.50");
        assert_eq!(display(Decimal::ZERO), "0.00");
    }
}
