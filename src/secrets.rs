//! Instance secrets: the session key (signs CSRF tokens) and the data key (protects NIK and the
//! stored import files).
//! Created on first run in `<data_dir>/secrets/` with owner-only permissions, or supplied
//! through `KARYA_SESSION_KEY` / `KARYA_DATA_KEY` (64 hex digits) so that several instances share
//! them. Never logged: `Debug` prints nothing of the value.

use std::io::Write;
use std::path::Path;

use rand::RngExt;

#[derive(Clone)]
pub struct Key([u8; 32]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(***)")
    }
}

impl Key {
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    fn from_hex(text: &str) -> Option<Key> {
        let raw = hex::decode(text.trim()).ok()?;
        Some(Key(raw.try_into().ok()?))
    }

    pub fn random() -> Key {
        Key(rand::rng().random())
    }
}

#[derive(Clone, Debug)]
pub struct Secrets {
    pub session_key: Key,
    pub data_key: Key,
}

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("folder rahasia {0} tidak dapat dibuat atau dibaca: {1}")]
    Io(String, std::io::Error),
    #[error("{0} tidak berisi 64 digit heksadesimal")]
    Malformed(String),
}

impl Secrets {
    /// Random keys, for tests.
    pub fn ephemeral() -> Secrets {
        Secrets {
            session_key: Key::random(),
            data_key: Key::random(),
        }
    }

    pub fn load_or_create(data_dir: &Path) -> Result<Secrets, SecretsError> {
        // Supplied by the environment (several instances): nothing is read from or written to disk.
        if let (Ok(session), Ok(data)) = (
            std::env::var("KARYA_SESSION_KEY"),
            std::env::var("KARYA_DATA_KEY"),
        ) {
            return Ok(Secrets {
                session_key: Key::from_hex(&session)
                    .ok_or_else(|| SecretsError::Malformed("KARYA_SESSION_KEY".into()))?,
                data_key: Key::from_hex(&data)
                    .ok_or_else(|| SecretsError::Malformed("KARYA_DATA_KEY".into()))?,
            });
        }
        let dir = data_dir.join("secrets");
        std::fs::create_dir_all(&dir)
            .map_err(|e| SecretsError::Io(dir.display().to_string(), e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| SecretsError::Io(dir.display().to_string(), e))?;
        }
        Ok(Secrets {
            session_key: one(&dir.join("session.key"), "KARYA_SESSION_KEY")?,
            data_key: one(&dir.join("data.key"), "KARYA_DATA_KEY")?,
        })
    }
}

fn one(path: &Path, env: &str) -> Result<Key, SecretsError> {
    if let Ok(value) = std::env::var(env) {
        return Key::from_hex(&value).ok_or_else(|| SecretsError::Malformed(env.into()));
    }
    let name = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => Key::from_hex(&text).ok_or(SecretsError::Malformed(name)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = Key::random();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut file = options
                .open(path)
                .map_err(|e| SecretsError::Io(name.clone(), e))?;
            writeln!(file, "{}", hex::encode(key.0)).map_err(|e| SecretsError::Io(name, e))?;
            Ok(key)
        }
        Err(e) => Err(SecretsError::Io(name, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_once_owner_only_and_stable() {
        let dir = tempfile::tempdir().unwrap();
        let a = Secrets::load_or_create(dir.path()).unwrap();
        let b = Secrets::load_or_create(dir.path()).unwrap();
        assert_eq!(a.session_key.bytes(), b.session_key.bytes());
        assert_ne!(a.session_key.bytes(), a.data_key.bytes());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("secrets/data.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(format!("{:?}", a.data_key), "Key(***)");
    }
}

/// Encryption and keyed hashing of personal data (NIK) with the data key.
pub mod personal {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
    use chacha20poly1305::aead::{Aead, KeyInit};
    use chacha20poly1305::{XChaCha20Poly1305, XNonce};
    use hmac::{Hmac, KeyInit as _, Mac};
    use rand::RngExt;
    use sha2::Sha256;

    use super::Key;

    /// `nonce || ciphertext`, base64.
    pub fn seal(key: &Key, plaintext: &str) -> String {
        B64.encode(encrypt(key, plaintext.as_bytes()))
    }

    pub fn open(key: &Key, sealed: &str) -> Option<String> {
        let raw = B64.decode(sealed).ok()?;
        String::from_utf8(decrypt(key, &raw)?).ok()
    }

    /// What every sealed blob starts with: a NUL byte (no spreadsheet, zip or text file begins
    /// with one), `KSB` ("Karya sealed bytes") and the format version. It tells a sealed blob
    /// from one stored in clear before sealing existed, without a column beside it.
    pub const SEALED_PREFIX: &[u8; 5] = b"\0KSB\x01";

    /// Bytes (a stored file) sealed like [`seal`]: `SEALED_PREFIX || nonce || ciphertext`.
    pub fn seal_bytes(key: &Key, plaintext: &[u8]) -> Vec<u8> {
        let mut out = SEALED_PREFIX.to_vec();
        out.extend(encrypt(key, plaintext));
        out
    }

    /// The plaintext of [`seal_bytes`]; `None` when the blob is not sealed, was sealed with
    /// another key, or was altered.
    pub fn open_bytes(key: &Key, sealed: &[u8]) -> Option<Vec<u8>> {
        decrypt(key, sealed.strip_prefix(SEALED_PREFIX.as_slice())?)
    }

    /// Whether a stored blob was sealed by [`seal_bytes`] (it may still fail to open).
    pub fn is_sealed(blob: &[u8]) -> bool {
        blob.starts_with(SEALED_PREFIX)
    }

    /// XChaCha20-Poly1305 with a random nonce: `nonce || ciphertext`. The one encryption of
    /// personal data; `seal` and `seal_bytes` only frame it.
    fn encrypt(key: &Key, plaintext: &[u8]) -> Vec<u8> {
        let cipher = XChaCha20Poly1305::new(key.bytes().into());
        let nonce_bytes: [u8; 24] = rand::rng().random();
        let nonce = XNonce::from_slice(&nonce_bytes);
        let mut out = nonce_bytes.to_vec();
        // Fails only past 256 GiB of plaintext.
        out.extend(cipher.encrypt(nonce, plaintext).unwrap_or_default());
        out
    }

    fn decrypt(key: &Key, raw: &[u8]) -> Option<Vec<u8>> {
        if raw.len() < 24 {
            return None;
        }
        let cipher = XChaCha20Poly1305::new(key.bytes().into());
        cipher
            .decrypt(XNonce::from_slice(&raw[..24]), &raw[24..])
            .ok()
    }

    /// A keyed hash for finding a record by a personal value without decrypting every row.
    pub fn keyed_hash(key: &Key, value: &str) -> String {
        let mut mac = <Hmac<Sha256>>::new_from_slice(key.bytes()).expect("any key length");
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn round_trip_and_tamper() {
            let key = Key::random();
            let sealed = seal(&key, "1507015205980003");
            assert_ne!(sealed, seal(&key, "1507015205980003"), "nonce is random");
            assert_eq!(open(&key, &sealed).as_deref(), Some("1507015205980003"));
            assert_eq!(open(&Key::random(), &sealed), None);
            assert_eq!(keyed_hash(&key, "a"), keyed_hash(&key, "a"));
        }

        #[test]
        fn bytes_round_trip_carry_the_prefix_and_refuse_tampering() {
            let key = Key::random();
            let plain = b"PK\x03\x04 1507015205980003".to_vec();
            let sealed = seal_bytes(&key, &plain);
            assert!(is_sealed(&sealed) && !is_sealed(&plain));
            assert!(
                !sealed.windows(16).any(|w| w == b"1507015205980003"),
                "no plaintext in the blob"
            );
            assert_ne!(sealed, seal_bytes(&key, &plain), "nonce is random");
            assert_eq!(open_bytes(&key, &sealed).as_deref(), Some(plain.as_slice()));
            assert_eq!(open_bytes(&Key::random(), &sealed), None);
            assert_eq!(open_bytes(&key, &plain), None, "a clear blob is not opened");
            let mut altered = sealed.clone();
            let last = altered.len() - 1;
            altered[last] ^= 1;
            assert_eq!(open_bytes(&key, &altered), None);
            assert_eq!(open_bytes(&key, SEALED_PREFIX), None, "too short");
            // The text form and the byte form are the same encryption.
            let text = seal(&key, "1507015205980003");
            let raw = B64.decode(&text).unwrap();
            let mut framed = SEALED_PREFIX.to_vec();
            framed.extend(raw);
            assert_eq!(
                open_bytes(&key, &framed).as_deref(),
                Some(&b"1507015205980003"[..])
            );
        }
    }
}

/// A fresh random token for a cookie or link, and the hash under which it is stored.
pub fn new_token() -> (String, String) {
    use base64::Engine;
    let raw: [u8; 32] = rand::rng().random();
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
    let hash = token_hash(&token);
    (token, hash)
}

/// The stored form of a token: a database leak does not yield usable sessions or links.
pub fn token_hash(token: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

/// The instance's VAPID private key (a P-256 scalar) for Web Push, derived from the data key:
/// every instance sharing the data key signs with the same key, and nothing more is stored.
/// Browsers subscribed with the matching public key (`outbox::PushSender::public_key`).
pub fn vapid_private_key(data_key: &Key) -> [u8; 32] {
    use hmac::{Hmac, KeyInit as _, Mac};
    use web_push_native::p256::SecretKey;
    // An HMAC output is a valid scalar except with probability about 2^-32; the counter makes
    // the derivation total.
    for counter in 0u32.. {
        let mut mac = <Hmac<sha2::Sha256>>::new_from_slice(data_key.bytes()).expect("any key");
        mac.update(b"karya vapid p256 v1");
        mac.update(&counter.to_be_bytes());
        let bytes: [u8; 32] = mac.finalize().into_bytes().into();
        if SecretKey::from_slice(&bytes).is_ok() {
            return bytes;
        }
    }
    unreachable!("a valid scalar is found within a few tries")
}
