//! Settings pages of the account menu.

pub mod company;
