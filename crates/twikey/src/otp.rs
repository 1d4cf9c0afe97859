//! The one-time password of "enhanced security" API keys (Twikey's Appendix C, API.md §2.3):
//! HMAC-SHA256 keyed with the salt `own` followed by the private key's bytes, over the 30-second
//! counter; like RFC 4226 truncation, except that the offset comes from byte 19.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Twikey's default salt ("vendor prefix").
const SALT: &[u8] = b"own";

/// The 8-digit password for `private_key_hex` at `unix_secs`; `None` if the key is not hex.
pub fn otp(private_key_hex: &str, unix_secs: u64) -> Option<u32> {
    let mut key = SALT.to_vec();
    key.extend(hex::decode(private_key_hex.trim()).ok()?);
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes any key length");
    mac.update(&(unix_secs / 30).to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = usize::from(h[19] & 0x0f);
    let v = u32::from_be_bytes([h[offset], h[offset + 1], h[offset + 2], h[offset + 3]]) & 0x7fff_ffff;
    Some(v % 100_000_000)
}

#[cfg(test)]
mod tests {
    #[test]
    fn matches_the_documented_vector() {
        assert_eq!(super::otp("0123456789ABCDEF0123456789ABCDEF", 1_700_000_000), Some(9_931_077));
        assert_eq!(super::otp("0123456789abcdef0123456789abcdef", 1_700_000_009), Some(9_931_077), "same 30-s window");
        assert_eq!(super::otp("not hex", 1), None);
    }
}
