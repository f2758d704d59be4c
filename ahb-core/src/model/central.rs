//! Centrally managed (scope-level) SQL Server licence assignments (SQL-15…SQL-21).

use chrono::{Days, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Edition;

/// Days after its review date when an assignment expires (SQL-21).
pub const EXPIRY_AFTER_REVIEW_DAYS: u64 = 90;

/// SQL Server core licences assigned to a billing account or subscription, applied by Azure
/// hour by hour to the SQL usage in that scope (SQL-17).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CentralAssignment {
    /// Unique id.
    pub id: String,
    /// The scope (billing account or subscription) the licences are assigned to (SQL-15).
    pub scope: String,
    /// `enterprise` (4 NC per core) or `standard` (1 NC per core), SQL-1.
    pub edition: Edition,
    /// Core licences assigned.
    pub cores: u32,
    /// First day the assignment applies.
    pub start: NaiveDate,
    /// The review date; absent means one year after `start` (SQL-21).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_date: Option<NaiveDate>,
}

impl CentralAssignment {
    /// Normalised cores the assignment provides (SQL-1).
    pub fn normalised_cores(&self) -> u64 {
        let per = if self.edition == Edition::Enterprise {
            4
        } else {
            1
        };
        per * u64::from(self.cores)
    }

    /// The review date, defaulting to one year after the start (SQL-21).
    pub fn review(&self) -> NaiveDate {
        self.review_date.unwrap_or_else(|| {
            self.start
                .checked_add_days(Days::new(365))
                .unwrap_or(self.start)
        })
    }

    /// The first day the assignment no longer applies: 90 days after the review date (SQL-21).
    pub fn expires(&self) -> NaiveDate {
        let review = self.review();
        review
            .checked_add_days(Days::new(EXPIRY_AFTER_REVIEW_DAYS))
            .unwrap_or(review)
    }

    /// Whether the assignment applies on `date`.
    pub fn active_on(&self, date: NaiveDate) -> bool {
        self.start <= date && date < self.expires()
    }
}
