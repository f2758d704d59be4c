//! Ids as the results hold them: shared, not copied.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// An id (of a resource, a scope or a licence line) in the results: the assessment, the
/// position's rows, the plan's assignments and changes, the shares of a line.
///
/// A resource's id appears in several of them, and an estate of 10⁶ resources would hold each
/// id three or four times over if every row owned a copy; an `Id` is shared instead (cloning it
/// counts a reference). It reads as a `&str` (it derefs to one) and compares with strings;
/// it serialises as a string.
///
/// # Examples
///
/// ```
/// use ahb_core::model::Id;
///
/// let id = Id::from("vm-001");
/// let row = id.clone(); // shared, not copied
/// assert_eq!(row, "vm-001");
/// assert_eq!(row.as_str(), "vm-001");
/// assert!(row.starts_with("vm-"));
/// assert_eq!(serde_json::to_string(&row).unwrap(), r#""vm-001""#);
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Id(Arc<str>);

/// In the JSON contract an id is a string, described where it is used: the sharing is the
/// Rust representation's, not the contract's.
impl schemars::JsonSchema for Id {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        String::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(generator)
    }
}

impl Id {
    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Id {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Id {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Id {
        Id(Arc::from(s))
    }
}

impl From<String> for Id {
    fn from(s: String) -> Id {
        Id(Arc::from(s))
    }
}

impl From<&String> for Id {
    fn from(s: &String) -> Id {
        Id(Arc::from(s.as_str()))
    }
}

impl From<Id> for String {
    fn from(id: Id) -> String {
        id.0.to_string()
    }
}

impl PartialEq<str> for Id {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Id {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for Id {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Id> for str {
    fn eq(&self, other: &Id) -> bool {
        *self == *other.0
    }
}

impl PartialEq<Id> for &str {
    fn eq(&self, other: &Id) -> bool {
        **self == *other.0
    }
}

impl PartialEq<Id> for String {
    fn eq(&self, other: &Id) -> bool {
        **self == *other.0
    }
}

#[cfg(test)]
mod tests {
    use super::Id;

    #[test]
    fn an_id_reads_compares_and_serialises_as_its_string() {
        let id = Id::from(String::from("/subscriptions/s/vm \"1\""));
        let shared = id.clone();
        assert!(
            std::ptr::eq(id.as_str(), shared.as_str()),
            "a clone shares the text"
        );
        assert_eq!(shared, "/subscriptions/s/vm \"1\"");
        assert_eq!("/subscriptions/s/vm \"1\"", shared);
        assert_eq!(shared, String::from("/subscriptions/s/vm \"1\""));
        assert_ne!(shared, "/subscriptions/s/vm");
        assert_eq!(format!("{shared}"), "/subscriptions/s/vm \"1\"");
        assert_eq!(
            format!("{shared:?}"),
            format!("{:?}", "/subscriptions/s/vm \"1\"")
        );
        assert_eq!(
            serde_json::to_string(&shared).unwrap(),
            serde_json::to_string("/subscriptions/s/vm \"1\"").unwrap()
        );
        let (a, b) = (Id::from("a"), Id::from("b"));
        assert_eq!(a.cmp(&b), std::cmp::Ordering::Less, "ordered as strings");
        let set: std::collections::BTreeSet<Id> = [Id::from("b"), Id::from("a")].into();
        assert!(set.contains("a"), "looked up by &str");
        assert_eq!(String::from(shared), "/subscriptions/s/vm \"1\"");
    }

    #[test]
    fn its_json_schema_is_a_string_s() {
        let id = serde_json::to_value(schemars::schema_for!(Id)).unwrap();
        let string = serde_json::to_value(schemars::schema_for!(String)).unwrap();
        assert_eq!(id, string);
    }
}
