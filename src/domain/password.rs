//! Passwords: the rule for a new one, and argon2id hashing.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// A password that satisfies the rule for new passwords. Its `Debug` hides the value.
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

pub const MIN_LEN: usize = 10;

impl NewPassword {
    pub fn parse(raw: &str, confirmation: &str) -> Result<NewPassword, &'static str> {
        if raw.chars().count() < MIN_LEN {
            return Err("Kata sandi minimal 10 karakter.");
        }
        if raw.chars().count() > 200 {
            return Err("Kata sandi terlalu panjang (maksimal 200 karakter).");
        }
        if raw.trim().is_empty() {
            return Err("Kata sandi tidak boleh hanya spasi.");
        }
        if raw != confirmation {
            return Err("Konfirmasi kata sandi tidak sama.");
        }
        Ok(NewPassword(raw.to_owned()))
    }

    /// Only for the fixed demo password, which is shorter than the rule allows on purpose.
    pub fn demo(raw: &str) -> NewPassword {
        NewPassword(raw.to_owned())
    }

    pub fn hash(&self) -> String {
        hash(&self.0)
    }
}

fn hash(raw: &str) -> String {
    Argon2::default()
        .hash_password(raw.as_bytes())
        .map(|h| h.to_string())
        .unwrap_or_default()
}

/// Constant work whether or not the user exists, so timing does not reveal usernames.
pub fn verify(raw: &str, stored_hash: Option<&str>) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("karya-dummy-password"));
    let candidate = stored_hash.unwrap_or(dummy);
    let ok = PasswordHash::new(candidate)
        .map(|parsed| {
            Argon2::default()
                .verify_password(raw.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false);
    ok && stored_hash.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_round_trip() {
        let p = NewPassword::parse("sandi-rahasia-1", "sandi-rahasia-1").unwrap();
        let h = p.hash();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("sandi-rahasia-1", Some(&h)));
        assert!(!verify("sandi-rahasia-2", Some(&h)));
        assert!(!verify("karya-dummy-password", None));
    }

    #[test]
    fn rule_for_new_passwords() {
        assert!(NewPassword::parse("pendek", "pendek").is_err());
        assert!(NewPassword::parse("cukup-panjang", "beda-panjang!").is_err());
        assert!(NewPassword::parse("          ", "          ").is_err());
    }
}
