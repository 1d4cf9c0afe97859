//! What day it is for Encaisse: the instant from the system clock (or a fixed one, in tests),
//! the date in Brussels ([`crate::domain::time::brussels_today`]). Every "today" of the server
//! comes from here: dates shown, chosen by default and stored (issue, due and payment dates,
//! the scheduler's day, collection dates).

use chrono::{DateTime, NaiveDate, Utc};

/// The server's clock, held by the application state.
#[derive(Clone, Copy, Debug, Default)]
pub struct Clock {
    fixed: Option<DateTime<Utc>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock { fixed: None }
    }

    /// Always `at` (tests: what happens at a given instant).
    pub fn fixed(at: DateTime<Utc>) -> Clock {
        Clock { fixed: Some(at) }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.fixed.unwrap_or_else(Utc::now)
    }

    /// Today's date in Brussels.
    pub fn today(&self) -> NaiveDate {
        crate::domain::time::brussels_today(self.now())
    }
}

/// Today's date in Brussels by the system clock, where no application state is at hand.
pub fn today() -> NaiveDate {
    Clock::system().today()
}
