//! twikey-sandbox: a stand-in Twikey server.
