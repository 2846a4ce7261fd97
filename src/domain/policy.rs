//! Who may do what. Every protected route names one `Permission`; this module alone decides
//! whether a role holds it, and which records a user may open.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Admin,
    Opd,
    Bendahara,
    Alumni,
    Pembeli,
    Mitra,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Opd,
        Role::Bendahara,
        Role::Alumni,
        Role::Pembeli,
        Role::Mitra,
    ];

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Opd => "opd",
            Role::Bendahara => "bendahara",
            Role::Alumni => "alumni",
            Role::Pembeli => "pembeli",
            Role::Mitra => "mitra",
        }
    }

    /// The name users see.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin Disnakertrans/BLK",
            Role::Opd => "Operator OPD",
            Role::Bendahara => "Bendahara OPD",
            Role::Alumni => "Alumni BLK",
            Role::Pembeli => "Pembeli/Masyarakat",
            Role::Mitra => "Mitra Permodalan",
        }
    }

    /// What a user of this role must be linked to.
    pub fn required_link(self) -> Option<LinkKind> {
        match self {
            Role::Opd | Role::Bendahara => Some(LinkKind::Office),
            Role::Mitra => Some(LinkKind::Partner),
            Role::Alumni => Some(LinkKind::Alumnus),
            Role::Admin | Role::Pembeli => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    Office,
    Alumnus,
    Partner,
}

/// Everything a route can require.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Any signed-in user: own dashboard, own password, logout.
    SignedIn,
    ManageUsers,
    ViewAudit,
    /// Open an office's record; which office is decided by `may_view_office`.
    ViewOffice,
    /// The register overview (alumni counts per trade, kecamatan).
    ViewRegister,
    /// Create and edit trades, programs, batches, alumni and their participation in batches.
    ManageRegister,
    /// An alumnus's own record: claim it, edit their own contact details.
    OwnAlumnusRecord,
    /// Print one-time claim codes for alumni (per alumnus or per batch).
    IssueClaimCodes,
    /// An alumnus's own storefront: the business, its listings and photos, its orders.
    ManageOwnBusiness,
    /// Verify alumni businesses (the "Alumni BLK terverifikasi" badge), extend the search
    /// synonyms, and resolve disputed orders.
    ManageMarketplace,
}

/// The signed-in user as policy sees them.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    pub role: Role,
    pub office_id: Option<i64>,
    pub alumnus_id: Option<i64>,
    pub partner_id: Option<i64>,
}

pub fn allows(role: Role, permission: Permission) -> bool {
    use Permission::*;
    match permission {
        SignedIn => true,
        ManageUsers | ViewAudit | ViewRegister | ManageRegister | IssueClaimCodes => {
            role == Role::Admin
        }
        OwnAlumnusRecord | ManageOwnBusiness => role == Role::Alumni,
        ManageMarketplace => role == Role::Admin,
        ViewOffice => matches!(role, Role::Admin | Role::Opd | Role::Bendahara),
    }
}

/// Object-level rule: agency staff see every office; office users only their own.
pub fn may_view_office(actor: &Actor, office_id: i64) -> bool {
    match actor.role {
        Role::Admin => true,
        Role::Opd | Role::Bendahara => actor.office_id == Some(office_id),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, office_id: Option<i64>) -> Actor {
        Actor {
            user_id: 1,
            role,
            office_id,
            alumnus_id: None,
            partner_id: None,
        }
    }

    #[test]
    fn only_admin_manages_users_and_reads_audit() {
        for role in Role::ALL {
            assert_eq!(allows(role, Permission::ManageUsers), role == Role::Admin);
            assert_eq!(allows(role, Permission::ViewAudit), role == Role::Admin);
            assert!(allows(role, Permission::SignedIn));
        }
    }

    #[test]
    fn office_users_see_only_their_office() {
        assert!(may_view_office(&actor(Role::Opd, Some(3)), 3));
        assert!(!may_view_office(&actor(Role::Opd, Some(3)), 4));
        assert!(!may_view_office(&actor(Role::Bendahara, None), 4));
        assert!(may_view_office(&actor(Role::Admin, None), 4));
        assert!(!may_view_office(&actor(Role::Pembeli, None), 4));
    }

    #[test]
    fn only_alumni_claim_and_only_admin_prints_claim_codes() {
        for role in Role::ALL {
            assert_eq!(
                allows(role, Permission::OwnAlumnusRecord),
                role == Role::Alumni
            );
            assert_eq!(
                allows(role, Permission::IssueClaimCodes),
                role == Role::Admin
            );
        }
    }

    #[test]
    fn only_admin_reads_and_keeps_the_register() {
        for role in Role::ALL {
            assert_eq!(allows(role, Permission::ViewRegister), role == Role::Admin);
            assert_eq!(
                allows(role, Permission::ManageRegister),
                role == Role::Admin
            );
        }
    }

    #[test]
    fn roles_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
