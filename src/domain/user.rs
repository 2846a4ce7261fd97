//! Accounts: the user as the application knows it, usernames, display names, and what a new or
//! changed account must satisfy.

use super::phone::Phone;
use super::policy::{Actor, LinkKind, Role};

/// A user account as the application knows it (no password material).
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub links: Links,
    pub phone: Option<String>,
    pub disabled: bool,
    pub created_at: i64,
    pub password_changed_at: i64,
}

impl User {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.id,
            role: self.role,
            office_id: self.links.office_id,
            alumnus_id: self.links.alumnus_id,
            partner_id: self.links.partner_id,
        }
    }

    /// A short summary for the audit trail (no password material).
    pub fn audit_summary(&self) -> serde_json::Value {
        serde_json::json!({
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role.as_str(),
            "office_id": self.links.office_id,
            "alumnus_id": self.links.alumnus_id,
            "partner_id": self.links.partner_id,
            "disabled": self.disabled,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    /// 3–32 characters: lower-case letters, digits, `.`, `_`, `-`; stored lower-case.
    pub fn parse(raw: &str) -> Result<Username, &'static str> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err("Nama pengguna wajib diisi.");
        }
        if !(3..=32).contains(&s.chars().count()) {
            return Err("Nama pengguna 3 sampai 32 karakter.");
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
        {
            return Err(
                "Nama pengguna hanya boleh huruf kecil, angka, titik, garis bawah, atau tanda hubung.",
            );
        }
        Ok(Username(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The record a user account is tied to, as its role requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Links {
    pub office_id: Option<i64>,
    pub alumnus_id: Option<i64>,
    pub partner_id: Option<i64>,
}

/// A valid account to create or to update.
#[derive(Debug, Clone)]
pub struct AccountFields {
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub links: Links,
    pub phone: Option<Phone>,
}

/// Raw input of the account form.
#[derive(Debug, Clone, Default)]
pub struct AccountInput<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: &'a str,
    pub office_id: &'a str,
    pub alumnus_id: &'a str,
    pub partner_id: &'a str,
    pub phone: &'a str,
}

/// Field name → Indonesian message, for re-rendering a form.
pub type FieldErrors = Vec<(&'static str, String)>;

impl AccountFields {
    pub fn parse(input: &AccountInput<'_>) -> Result<AccountFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let username = Username::parse(input.username)
            .map_err(|e| errors.push(("username", e.into())))
            .ok();
        let display_name = input.display_name.trim().to_owned();
        if display_name.is_empty() {
            errors.push(("display_name", "Nama lengkap wajib diisi.".into()));
        } else if display_name.chars().count() > 120 {
            errors.push(("display_name", "Nama lengkap maksimal 120 karakter.".into()));
        }
        let role = Role::parse(input.role);
        if role.is_none() {
            errors.push(("role", "Pilih peran pengguna.".into()));
        }
        let phone = if input.phone.trim().is_empty() {
            None
        } else {
            Phone::parse(input.phone)
                .map_err(|e| errors.push(("phone", e.into())))
                .ok()
        };
        let id = |raw: &str| raw.trim().parse::<i64>().ok().filter(|v| *v > 0);
        let mut links = Links::default();
        match role.and_then(Role::required_link) {
            Some(LinkKind::Office) => match id(input.office_id) {
                Some(v) => links.office_id = Some(v),
                None => errors.push(("office_id", "Pilih OPD tempat pengguna ini bekerja.".into())),
            },
            Some(LinkKind::Partner) => match id(input.partner_id) {
                Some(v) => links.partner_id = Some(v),
                None => errors.push(("partner_id", "Pilih mitra permodalan pengguna ini.".into())),
            },
            Some(LinkKind::Alumnus) => match id(input.alumnus_id) {
                Some(v) => links.alumnus_id = Some(v),
                None => errors.push((
                    "alumnus_id",
                    "Masukkan nomor data alumni pengguna ini.".into(),
                )),
            },
            None => {}
        }
        match (username, role) {
            (Some(username), Some(role)) if errors.is_empty() => Ok(AccountFields {
                username,
                display_name,
                role,
                links,
                phone,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(role: &'a str) -> AccountInput<'a> {
        AccountInput {
            username: "Siti.Aminah",
            display_name: "Siti Aminah",
            role,
            ..Default::default()
        }
    }

    #[test]
    fn usernames() {
        assert_eq!(
            Username::parse(" Siti.Aminah ").unwrap().as_str(),
            "siti.aminah"
        );
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("siti aminah").is_err());
        assert!(Username::parse("").is_err());
    }

    #[test]
    fn office_roles_need_an_office() {
        let errors = AccountFields::parse(&input("opd")).unwrap_err();
        assert_eq!(errors[0].0, "office_id");
        let ok = AccountFields::parse(&AccountInput {
            office_id: "4",
            ..input("bendahara")
        })
        .unwrap();
        assert_eq!(ok.links.office_id, Some(4));
        assert!(AccountFields::parse(&input("pembeli")).is_ok());
        assert!(AccountFields::parse(&input("raja")).is_err());
    }
}
