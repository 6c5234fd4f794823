//! Passwords (argon2id, PHC strings) and random tokens (stored only as SHA-256 digests).
//! Calls nothing else in the crate.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Shortest accepted password.
pub const MIN_PASSWORD_LEN: usize = 8;

/// Why a password could not be hashed.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// The password is too short.
    #[error("the password must have at least {MIN_PASSWORD_LEN} characters")]
    TooShort,
    /// argon2 failed (out of memory, bad parameters).
    #[error("cannot hash the password: {0}")]
    Hash(String),
}

/// The argon2id hash (PHC string with its random salt) of `password`.
pub fn hash_password(password: &str) -> Result<String, SecretError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(SecretError::TooShort);
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| SecretError::Hash(e.to_string()))
}

/// Whether `password` matches the PHC string `hash` (false for a malformed hash).
pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of a password nobody knows, verified against when the username is unknown so
/// that the answer takes as long as for a known user.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_password(&new_token("x"))
            .unwrap_or_else(|_| "$argon2id$v=19$m=19456,t=2,p=1$invalid".into())
    })
}

/// A new random token: `prefix` + `_` + 64 hex digits (256 random bits).
pub fn new_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}_{}", hex::encode(bytes))
}

/// A random password of `len` letters and digits (for generated users).
pub fn new_password(len: usize) -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..len)
        .map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char)
        .collect()
}

/// The SHA-256 of a token: the key of the in-memory token cache.
pub fn fingerprint(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The SHA-256 hex digest under which a token is stored.
pub fn digest(token: &str) -> String {
    hex::encode(fingerprint(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct horsf", &h));
        assert!(!verify_password("correct horse", "not a hash"));
        assert!(matches!(hash_password("short"), Err(SecretError::TooShort)));
        // Two hashes of one password differ (random salt).
        assert_ne!(h, hash_password("correct horse").unwrap());
    }

    #[test]
    fn tokens_are_random_and_stored_as_digests() {
        let a = new_token("wg");
        let b = new_token("wg");
        assert_ne!(a, b);
        assert_eq!(a.len(), 3 + 64);
        assert_eq!(digest(&a).len(), 64);
        assert_ne!(digest(&a), digest(&b));
        assert_eq!(new_password(16).len(), 16);
    }
}
