//! What the connections pages and server functions exchange: types, form inputs and their checks.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Connections {
    pub twikey_enabled: bool,
}
