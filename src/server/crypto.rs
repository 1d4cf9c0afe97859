//! Encryption of secrets at rest (Twikey API keys) with AES-256-GCM.

use aes_gcm::aead::{Aead, KeyInit, OsRng};
use aes_gcm::{AeadCore, Aes256Gcm, Key, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("ENCAISSE_SECRET_KEY must be base64 of exactly 32 bytes")]
    BadKey,
    #[error("could not read or write the secret key file {0}: {1}")]
    KeyFile(String, std::io::Error),
    #[error("stored secret cannot be decrypted with this key")]
    Decrypt,
}

#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

impl SecretBox {
    pub fn from_base64(key: &str) -> Result<Self, CryptoError> {
        let bytes = STANDARD.decode(key.trim()).map_err(|_| CryptoError::BadKey)?;
        if bytes.len() != 32 {
            return Err(CryptoError::BadKey);
        }
        Ok(SecretBox { cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&bytes)) })
    }

    /// The configured key, or the one in `data_dir/secret.key`, created on first run.
    pub fn load_or_create(configured: Option<&str>, data_dir: &Path) -> Result<Self, CryptoError> {
        if let Some(key) = configured {
            return Self::from_base64(key);
        }
        let path = data_dir.join("secret.key");
        let err = |e| CryptoError::KeyFile(path.display().to_string(), e);
        match std::fs::read_to_string(&path) {
            Ok(key) => Self::from_base64(&key),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(data_dir).map_err(err)?;
                let key = STANDARD.encode(Aes256Gcm::generate_key(OsRng));
                write_private(&path, &key).map_err(err)?;
                Self::from_base64(&key)
            }
            Err(e) => Err(err(e)),
        }
    }

    /// `base64(nonce || ciphertext)`.
    pub fn encrypt(&self, plaintext: &str) -> String {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let mut out = nonce.to_vec();
        out.extend(self.cipher.encrypt(&nonce, plaintext.as_bytes()).expect("AES-GCM encryption cannot fail"));
        STANDARD.encode(out)
    }

    pub fn decrypt(&self, stored: &str) -> Result<String, CryptoError> {
        let bytes = STANDARD.decode(stored).map_err(|_| CryptoError::Decrypt)?;
        if bytes.len() < 12 {
            return Err(CryptoError::Decrypt);
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let plain = self.cipher.decrypt(Nonce::from_slice(nonce), ciphertext).map_err(|_| CryptoError::Decrypt)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Decrypt)
    }
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper() {
        let dir = tempfile::tempdir().unwrap();
        let sb = SecretBox::load_or_create(None, dir.path()).unwrap();
        let again = SecretBox::load_or_create(None, dir.path()).unwrap();
        let sealed = sb.encrypt("my-api-key");
        assert!(!sealed.contains("my-api-key"));
        assert_eq!(again.decrypt(&sealed).unwrap(), "my-api-key");
        assert_ne!(sb.encrypt("x"), sb.encrypt("x"), "fresh nonce each time");
        let mut tampered = STANDARD.decode(&sealed).unwrap();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(sb.decrypt(&STANDARD.encode(tampered)).is_err());
        assert!(SecretBox::from_base64("short").is_err());
    }
}
