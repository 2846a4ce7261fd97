//! Where a sign-in may send the browser next: only a path on this site.
//!
//! The login form carries the page the user wanted (`lanjut`). Anything that could make a
//! browser leave the site is refused: another scheme or host, `//host` (scheme-relative),
//! backslashes (browsers read `/\host` as `//host`), control characters (browsers strip a tab
//! or newline, so `/\t/host` becomes `//host`; CR/LF would also break the `Location` header),
//! and any of these hidden behind percent-encoding, however many times encoded.

use std::borrow::Cow;

use percent_encoding::percent_decode_str;

/// The page a sign-in goes to when no safe `lanjut` was given.
pub const DEFAULT: &str = "/dasbor";

/// The longest `lanjut` followed; longer ones are not a page of this site.
const MAX_LEN: usize = 2048;

/// A path (with optional query) on this site, safe for a `Location` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalPath(String);

impl LocalPath {
    /// `None` for anything that is not plainly a path on this site.
    pub fn parse(raw: &str) -> Option<LocalPath> {
        // Visible ASCII only: what a `Location` header carries as it is.
        if raw.len() > MAX_LEN || !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return None;
        }
        // Check the value and every decoding of it until decoding changes nothing.
        let mut form = Cow::Borrowed(raw);
        for _ in 0..4 {
            if !plain_path(&form) {
                return None;
            }
            let decoded = percent_decode_str(&form).decode_utf8().ok()?;
            if decoded == form {
                return Some(LocalPath(raw.to_owned()));
            }
            form = Cow::Owned(decoded.into_owned());
        }
        // Encoded more deeply than any link of ours is: not followed.
        None
    }

    /// The path, or the default page when `raw` is not a safe one.
    pub fn or_default(raw: &str) -> LocalPath {
        LocalPath::parse(raw).unwrap_or_else(|| LocalPath(DEFAULT.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A path that starts with exactly one slash and holds no backslash or control character.
fn plain_path(s: &str) -> bool {
    s.starts_with('/') && !s.starts_with("//") && !s.chars().any(|c| c == '\\' || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_on_this_site_are_followed() {
        for ok in [
            "/dasbor",
            "/pesan?usaha=3",
            "/pesan%3Fusaha%3D3",
            "/katalog?q=kue%20bolu",
            "/pengadaan/12#tawaran",
            "/",
        ] {
            assert_eq!(
                LocalPath::parse(ok).map(|p| p.0),
                Some(ok.to_owned()),
                "{ok:?}"
            );
        }
    }

    #[test]
    fn anything_that_could_leave_the_site_is_refused() {
        let hostile = [
            "",
            "dasbor",
            "https://evil.example",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/%09/evil.example",
            "/%0a/evil.example",
            "/%0D%0ASet-Cookie:%20a=b",
            "/\r\nSet-Cookie: a=b",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "%2F%2Fevil.example",
            "/%5Cevil.example",
            "/%255C%255Cevil.example",
            "/%252F/evil.example",
            "/%25252F/evil.example",
            "/%00",
            "/ /evil.example",
            "/\u{0085}evil",
            "/caf\u{e9}",
            "javascript:alert(1)",
            "/%C2%85/evil.example",
            "/%ff",
        ];
        for bad in hostile {
            assert_eq!(LocalPath::parse(bad), None, "{bad:?} must be refused");
            assert_eq!(LocalPath::or_default(bad).as_str(), DEFAULT);
        }
        assert_eq!(LocalPath::parse(&format!("/{}", "a".repeat(MAX_LEN))), None);
    }
}
