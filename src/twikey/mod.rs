//! Twikey API client (server side only).
