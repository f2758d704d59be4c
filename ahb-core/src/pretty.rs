//! The reports' pretty JSON: the very bytes of `serde_json::to_string_pretty` (two spaces per
//! level), written by a serializer of its own.
//!
//! Why not serde_json's: a position or a plan is mostly strings (ids, reasons), and serde_json
//! looks at every byte of a string through a table to find what to escape, and reaches the
//! writer through its formatter trait for every bracket, key and comma. Here a string is
//! checked eight bytes at a time (escapes are rare in reports), and the text is gathered in a
//! buffer of its own. The tests compare the text with serde_json's on every kind of value and
//! on random JSON values, and `tests/schema.rs` on the sample's position and plan.

use std::io::{self, Write};

use serde::ser::{self, Serialize};

/// `value` as pretty JSON text.
pub(crate) fn to_string<T: Serialize + ?Sized>(value: &T) -> io::Result<String> {
    let mut out = Vec::new();
    write(value, &mut out)?;
    String::from_utf8(out).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// `value` as pretty JSON text, written to `out` as it is produced.
pub(crate) fn write<T: Serialize + ?Sized, W: Write>(value: &T, out: W) -> io::Result<()> {
    let mut ser = Pretty {
        out,
        buf: Vec::with_capacity(2 * SPILL),
        level: 0,
        has_value: false,
        text: String::new(),
    };
    value.serialize(&mut ser).map_err(|Error(e)| e)?;
    ser.out.write_all(&ser.buf)
}

/// The text is gathered in a buffer of its own (a byte is a push, a run one copy) and handed
/// to the writer once it holds this much, at a line break.
const SPILL: usize = 1 << 16;

/// An I/O error, or a value JSON cannot hold (a map key that is not a string or a number).
#[derive(Debug)]
pub(crate) struct Error(io::Error);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error(io::Error::other(msg.to_string()))
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error(e)
    }
}

type Result<T = ()> = std::result::Result<T, Error>;

/// The serializer: the writer, the nesting level and whether the innermost open container
/// has a value yet (serde_json's pretty formatter keeps the same single flag).
struct Pretty<W> {
    out: W,
    /// Text not yet written to `out`.
    buf: Vec<u8>,
    level: usize,
    has_value: bool,
    /// A buffer for values written through `Display` (dates).
    text: String,
}

/// Levels of indentation held ready: a line break is one write up to this depth.
const MAX_LEVEL: usize = 32;

/// `,` then a line break and the indentation of [`MAX_LEVEL`] levels.
const BREAK: &[u8; 2 + 2 * MAX_LEVEL] = &{
    let mut b = [b' '; 2 + 2 * MAX_LEVEL];
    b[0] = b',';
    b[1] = b'\n';
    b
};

impl<W: Write> Pretty<W> {
    /// A line break (after a comma unless `first`) and the current indentation; the buffer
    /// goes to the writer first once it is full.
    fn line(&mut self, first: bool) -> Result {
        if self.buf.len() >= SPILL {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        let from = usize::from(first);
        if self.level <= MAX_LEVEL {
            self.buf.extend_from_slice(&BREAK[from..2 + 2 * self.level]);
            return Ok(());
        }
        self.buf.extend_from_slice(&BREAK[from..2]);
        for _ in 0..self.level {
            self.buf.extend_from_slice(b"  ");
        }
        Ok(())
    }

    fn open(&mut self, bracket: &[u8]) -> Result {
        self.level += 1;
        self.has_value = false;
        self.buf.extend_from_slice(bracket);
        Ok(())
    }

    fn close(&mut self, bracket: &[u8]) -> Result {
        self.level -= 1;
        if self.has_value {
            self.line(true)?;
        }
        self.buf.extend_from_slice(bracket);
        Ok(())
    }

    /// A container of `len` values (`None`: not known): `[]` or `{}` at once when empty.
    fn container(&mut self, len: Option<usize>, open: &[u8], close: &[u8]) -> Result<State> {
        self.open(open)?;
        if len == Some(0) {
            self.close(close)?;
            return Ok(State::Empty);
        }
        Ok(State::First)
    }

    fn string(&mut self, s: &str) -> Result {
        write_escaped(&mut self.buf, s);
        Ok(())
    }

    fn integer(&mut self, v: impl itoa::Integer) -> Result {
        self.buf
            .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        Ok(())
    }

    /// `{"variant": ` of an enum variant holding data; [`Pretty::end_variant`] closes it.
    fn begin_variant(&mut self, variant: &str) -> Result {
        self.open(b"{")?;
        self.line(true)?;
        self.string(variant)?;
        self.buf.extend_from_slice(b": ");
        Ok(())
    }

    fn end_variant(&mut self) -> Result {
        self.has_value = true;
        self.close(b"}")
    }
}

/// Whether any of eight bytes (little-endian in `x`) is below 0x20, `"` or `\`: the bytes
/// JSON escapes. Exact, without false positives (each test holds for bytes up to 0x80, and
/// bytes from 0x80 up fail all three).
fn needs_escape(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |v: u64, n: u64| v.wrapping_sub(ONES * n) & !v & HIGH;
    let control = below(x, 0x20);
    let quote = below(x ^ (ONES * u64::from(b'"')), 1);
    let backslash = below(x ^ (ONES * u64::from(b'\\')), 1);
    control | quote | backslash != 0
}

/// The eight bytes of `b` from `i` as a little-endian word (zero when out of bounds, which
/// the callers rule out).
fn word(b: &[u8], i: usize) -> u64 {
    let mut w = [0; 8];
    if let Some(s) = b.get(i..i + 8) {
        w.copy_from_slice(s);
    }
    u64::from_le_bytes(w)
}

/// Whether no byte of `b` needs an escape. Words of eight bytes; the last word overlaps the
/// one before (a byte checked twice changes nothing), and a string of four to seven bytes is
/// checked as its first four and last four. Short ids are so checked in one step instead of
/// byte by byte.
#[inline]
fn clean(b: &[u8]) -> bool {
    let n = b.len();
    if n >= 8 {
        let mut i = 0;
        while i + 8 <= n {
            if needs_escape(word(b, i)) {
                return false;
            }
            i += 8;
        }
        return !needs_escape(word(b, n - 8));
    }
    if n >= 4 {
        let half = |i: usize| {
            let mut w = [0; 4];
            if let Some(s) = b.get(i..i + 4) {
                w.copy_from_slice(s);
            }
            u64::from(u32::from_le_bytes(w))
        };
        return !needs_escape(half(0) | (half(n - 4) << 32));
    }
    b.iter().all(|&c| !ESCAPED[usize::from(c)])
}

/// The bytes JSON escapes: below 0x20, `"` and `\`.
const ESCAPED: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// `s` as a JSON string, escaped as serde_json escapes it (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`,
/// `\t`, other control characters as `\u00xx`; nothing else). Clean runs are found eight
/// bytes at a time and written whole.
fn write_escaped(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    // Most report strings are short ids, keys and reasons without escapes: checked a word at
    // a time (see `clean`), they are copied whole; the rest are escaped out of line.
    if clean(bytes) {
        out.reserve(bytes.len() + 2);
        out.push(b'"');
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    write_with_escapes(out, bytes);
}

/// [`write_escaped`] of a string that has a byte to escape.
#[cold]
#[inline(never)]
fn write_with_escapes(out: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let n = bytes.len();
    out.push(b'"');
    let (mut start, mut i) = (0, 0);
    while i < n {
        // Whole words without a byte to escape, then byte by byte to the next one (within
        // the word that has it, or the last few bytes).
        while let Some(word) = bytes
            .get(i..i + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
        {
            if needs_escape(u64::from_le_bytes(word)) {
                break;
            }
            i += 8;
        }
        let end = (i + 8).min(n);
        while i < end && !ESCAPED[usize::from(bytes[i])] {
            i += 1;
        }
        if i == end {
            continue;
        }
        let b = bytes[i];
        let unicode;
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            _ => {
                unicode = [
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(b >> 4)],
                    HEX[usize::from(b & 0xf)],
                ];
                &unicode
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escape);
        i += 1;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Where a container is: empty (already closed), before its first value, or after one.
#[derive(Clone, Copy, PartialEq)]
enum State {
    Empty,
    First,
    Rest,
}

/// An open array, object or enum variant.
struct Compound<'a, W> {
    ser: &'a mut Pretty<W>,
    state: State,
}

impl<W: Write> Compound<'_, W> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.ser.line(self.state == State::First)?;
        self.state = State::Rest;
        value.serialize(&mut *self.ser)?;
        self.ser.has_value = true;
        Ok(())
    }

    fn key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        self.ser.line(self.state == State::First)?;
        self.state = State::Rest;
        key.serialize(KeySerializer {
            ser: &mut *self.ser,
        })
    }

    /// A struct's field: its name is a string already, written without the key serializer.
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.ser.line(self.state == State::First)?;
        self.state = State::Rest;
        write_escaped(&mut self.ser.buf, key);
        self.value(value)
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.ser.buf.extend_from_slice(b": ");
        value.serialize(&mut *self.ser)?;
        self.ser.has_value = true;
        Ok(())
    }

    fn end(self, close: &[u8]) -> Result {
        match self.state {
            State::Empty => Ok(()),
            _ => self.ser.close(close),
        }
    }
}

/// The serializer methods of the integer types, each handing the value to `$write`.
macro_rules! integers {
    ($write:ident) => {
        integers!($write: serialize_i8 i8, serialize_i16 i16, serialize_i32 i32,
            serialize_i64 i64, serialize_i128 i128, serialize_u8 u8, serialize_u16 u16,
            serialize_u32 u32, serialize_u64 u64, serialize_u128 u128);
    };
    ($write:ident: $($method:ident $t:ty),*) => {
        $(
            fn $method(self, v: $t) -> Result {
                self.$write(v)
            }
        )*
    };
}

impl<'a, W: Write> ser::Serializer for &'a mut Pretty<W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, W>;
    type SerializeTuple = Compound<'a, W>;
    type SerializeTupleStruct = Compound<'a, W>;
    type SerializeTupleVariant = Compound<'a, W>;
    type SerializeMap = Compound<'a, W>;
    type SerializeStruct = Compound<'a, W>;
    type SerializeStructVariant = Compound<'a, W>;

    fn serialize_bool(self, v: bool) -> Result {
        self.buf
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    integers!(integer);
    // Floats (none in the reports today) as serde_json writes them.
    fn serialize_f32(self, v: f32) -> Result {
        Ok(serde_json::to_writer(&mut self.buf, &v).map_err(io::Error::from)?)
    }
    fn serialize_f64(self, v: f64) -> Result {
        Ok(serde_json::to_writer(&mut self.buf, &v).map_err(io::Error::from)?)
    }
    fn serialize_char(self, v: char) -> Result {
        self.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result {
        self.string(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result {
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            ser::SerializeSeq::serialize_element(&mut seq, b)?;
        }
        ser::SerializeSeq::end(seq)
    }
    fn serialize_none(self) -> Result {
        self.buf.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.buf.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result {
        self.begin_variant(variant)?;
        value.serialize(&mut *self)?;
        self.end_variant()
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'a, W>> {
        let state = self.container(len, b"[", b"]")?;
        Ok(Compound { ser: self, state })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a, W>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Compound<'a, W>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a, W>> {
        self.begin_variant(variant)?;
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'a, W>> {
        let state = self.container(len, b"{", b"}")?;
        Ok(Compound { ser: self, state })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Compound<'a, W>> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a, W>> {
        self.begin_variant(variant)?;
        self.serialize_map(Some(len))
    }
    fn collect_str<T: std::fmt::Display + ?Sized>(self, value: &T) -> Result {
        use std::fmt::Write as _;
        let mut text = std::mem::take(&mut self.text);
        text.clear();
        let _ = write!(text, "{value}");
        let done = self.string(&text);
        self.text = text;
        done
    }
}

impl<W: Write> ser::SerializeSeq for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.element(value)
    }
    fn end(self) -> Result {
        Compound::end(self, b"]")
    }
}

impl<W: Write> ser::SerializeTuple for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.element(value)
    }
    fn end(self) -> Result {
        Compound::end(self, b"]")
    }
}

impl<W: Write> ser::SerializeTupleStruct for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.element(value)
    }
    fn end(self) -> Result {
        Compound::end(self, b"]")
    }
}

impl<W: Write> ser::SerializeTupleVariant for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.element(value)
    }
    fn end(self) -> Result {
        let ser = &mut *self.ser;
        if self.state != State::Empty {
            ser.close(b"]")?;
        }
        ser.end_variant()
    }
}

impl<W: Write> ser::SerializeMap for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        self.key(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.value(value)
    }
    fn end(self) -> Result {
        Compound::end(self, b"}")
    }
}

impl<W: Write> ser::SerializeStruct for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.field(key, value)
    }
    fn end(self) -> Result {
        Compound::end(self, b"}")
    }
}

impl<W: Write> ser::SerializeStructVariant for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.field(key, value)
    }
    fn end(self) -> Result {
        let ser = &mut *self.ser;
        if self.state != State::Empty {
            ser.close(b"}")?;
        }
        ser.end_variant()
    }
}

/// A map key: a string, or a unit variant, integer, boolean or character written as one
/// (serde_json's rule); anything else is an error.
struct KeySerializer<'a, W> {
    ser: &'a mut Pretty<W>,
}

impl<W: Write> KeySerializer<'_, W> {
    /// An integer key, quoted (serde_json's rule).
    fn quoted_integer(self, v: impl itoa::Integer) -> Result {
        self.quoted(itoa::Buffer::new().format(v))
    }

    fn quoted(self, text: &str) -> Result {
        self.ser.buf.push(b'"');
        self.ser.buf.extend_from_slice(text.as_bytes());
        self.ser.buf.push(b'"');
        Ok(())
    }
}

fn key_error() -> Error {
    <Error as ser::Error>::custom("key must be a string")
}

impl<W: Write> ser::Serializer for KeySerializer<'_, W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result {
        self.ser.string(v)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        self.ser.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_bool(self, v: bool) -> Result {
        self.quoted(if v { "true" } else { "false" })
    }
    fn serialize_char(self, v: char) -> Result {
        self.ser.string(v.encode_utf8(&mut [0; 4]))
    }
    integers!(quoted_integer);
    fn serialize_f32(self, _: f32) -> Result {
        Err(key_error())
    }
    fn serialize_f64(self, _: f64) -> Result {
        Err(key_error())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result {
        Err(key_error())
    }
    fn serialize_none(self) -> Result {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result {
        Err(key_error())
    }
    fn serialize_unit(self) -> Result {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result {
        Err(key_error())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result {
        Err(key_error())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(key_error())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(key_error())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> {
        Err(key_error())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(key_error())
    }
    fn collect_str<T: std::fmt::Display + ?Sized>(self, value: &T) -> Result {
        self.ser.collect_str(value)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde::Serialize;
    use serde_json::{Value, json};
    use std::collections::BTreeMap;

    fn same<T: Serialize + ?Sized>(value: &T) {
        let expected = serde_json::to_string_pretty(value).unwrap();
        assert_eq!(super::to_string(value).unwrap(), expected);
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        // Every byte that needs an escape, at every position around the eight-byte steps.
        let specials: Vec<char> = (0u8..0x20)
            .map(char::from)
            .chain(['"', '\\', '\u{7f}', 'é', '€', '𝄞', '/'])
            .collect();
        for &c in &specials {
            for before in 0..17 {
                for after in [0, 1, 7, 8, 9] {
                    let s = format!("{}{c}{}", "a".repeat(before), "b".repeat(after));
                    same(&s);
                }
            }
        }
        same(&specials.iter().collect::<String>());
        same("");
    }

    #[derive(Serialize)]
    enum Kinds {
        Unit,
        Newtype(u8),
        Tuple(i32, String),
        EmptyTuple(),
        Struct { a: Option<u8>, b: Vec<u8> },
        EmptyStruct {},
    }

    #[derive(Serialize)]
    struct Unit;

    #[derive(Serialize)]
    struct Wrapper(Vec<Kinds>);

    #[derive(Serialize)]
    struct Record {
        kinds: Wrapper,
        unit: Unit,
        c: char,
        big: i128,
        huge: u128,
        floats: Vec<f64>,
        bytes: serde_json::Value,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        by_int: BTreeMap<i64, bool>,
        by_bool: BTreeMap<bool, ()>,
        by_char: BTreeMap<char, Vec<()>>,
        tuple: (u8, (), [u8; 0]),
    }

    #[test]
    fn every_kind_of_value_is_written_as_serde_json_writes_it() {
        let record = Record {
            kinds: Wrapper(vec![
                Kinds::Unit,
                Kinds::Newtype(7),
                Kinds::Tuple(-3, "t\"".into()),
                Kinds::EmptyTuple(),
                Kinds::Struct { a: None, b: vec![] },
                Kinds::Struct {
                    a: Some(1),
                    b: vec![2, 3],
                },
                Kinds::EmptyStruct {},
            ]),
            unit: Unit,
            c: '\n',
            big: i128::MIN,
            huge: u128::MAX,
            floats: vec![0.0, -1.5, 1e300, f64::NAN, f64::INFINITY, 0.1],
            bytes: json!([]),
            skipped: None,
            by_int: [(-1, true), (5, false)].into(),
            by_bool: [(true, ()), (false, ())].into(),
            by_char: [('"', vec![()]), ('x', vec![])].into(),
            tuple: (1, (), []),
        };
        same(&record);
        same(&Kinds::Newtype(1));
        same(&Kinds::Tuple(1, String::new()));
        same(&Kinds::Struct {
            a: Some(0),
            b: vec![],
        });
        same(&serde_bytes_like());
        // Deeper than the indentation held ready.
        let mut deep = json!({"x": [], "y": {}, "z": [1, {"a": null}]});
        for i in 0..40 {
            deep = json!({"level": i, "inner": [deep, "s\n\"q\""], "e": []});
        }
        same(&deep);
    }

    /// Bytes, as serde_json writes them (an array of numbers).
    fn serde_bytes_like() -> impl Serialize {
        struct Bytes;
        impl Serialize for Bytes {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(&[0, 255, 7])
            }
        }
        Bytes
    }

    #[test]
    fn keys_json_cannot_hold_are_an_error() {
        let map: BTreeMap<Vec<u8>, u8> = [(vec![1], 1)].into();
        assert!(super::to_string(&map).is_err());
        assert!(serde_json::to_string_pretty(&map).is_err());
    }

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<u64>().prop_map(|n| json!(n)),
            any::<f64>().prop_map(|f| json!(f)),
            any::<String>().prop_map(Value::String),
            "[\\x00-\\x7f]{0,20}".prop_map(Value::String),
        ];
        leaf.prop_recursive(6, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(any::<String>(), inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn random_values_are_written_as_serde_json_writes_them(v in value()) {
            let expected = serde_json::to_string_pretty(&v).unwrap();
            prop_assert_eq!(super::to_string(&v).unwrap(), expected);
        }
    }
}
