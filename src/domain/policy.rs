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
    /// The agency head (Kepala Dinas): reads the outcomes dashboard and its report.
    Kepala,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::Opd,
        Role::Bendahara,
        Role::Alumni,
        Role::Pembeli,
        Role::Mitra,
        Role::Kepala,
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
            Role::Kepala => "kepala",
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
            Role::Kepala => "Kepala Dinas",
        }
    }

    /// What a user of this role must be linked to.
    pub fn required_link(self) -> Option<LinkKind> {
        match self {
            Role::Opd | Role::Bendahara => Some(LinkKind::Office),
            Role::Mitra => Some(LinkKind::Partner),
            Role::Alumni => Some(LinkKind::Alumnus),
            Role::Admin | Role::Pembeli | Role::Kepala => None,
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
    /// The register overview (alumni counts per trade, kecamatan), and every full NIK: the
    /// audited reveal and full-NIK export of the register, and an import's report with full NIKs
    /// (see [`FULL_NIK`]).
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
    /// The agency's side of office procurement: offices with their officers, needs and budget
    /// lines; kinds of work; the rotation, tax and document settings; the head's view of
    /// offices; answering rotation appeals.
    ManageProcurement,
    /// Office procurement requests: offices create them, treasurers pay them, providers answer
    /// them, the agency watches them. Which request is decided by `procurement_party`.
    UseProcurement,
    /// An alumnus's own capital applications: apply, upload documents, consent to sharing.
    ApplyCapital,
    /// The agency's side of capital: programs, review and referral, the SIKP export, settings.
    ManageCapital,
    /// A capital partner's portal: its referred applications, decisions, disbursements and
    /// repayment reports. Which applications is decided by `capital_party`.
    PartnerPortal,
    /// The outcomes dashboard (`/admin/hasil`), the lists behind its numbers, training feedback
    /// and the "Laporan Pemberdayaan Alumni BLK": agency staff and the agency head.
    ViewOutcomes,
    /// The tracer study: questionnaire versions, waves and UMK settings, phone entry of answers.
    ManageTracer,
}

/// What a route that shows full NIKs requires (the register's full-NIK export, an import report
/// with full NIKs); a page offers such a download only to roles holding it.
pub const FULL_NIK: Permission = Permission::ViewRegister;

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
        ManageMarketplace | ManageProcurement => role == Role::Admin,
        ViewOffice => matches!(role, Role::Admin | Role::Opd | Role::Bendahara),
        ApplyCapital => role == Role::Alumni,
        ManageCapital => role == Role::Admin,
        PartnerPortal => role == Role::Mitra,
        ViewOutcomes => matches!(role, Role::Admin | Role::Kepala),
        ManageTracer => role == Role::Admin,
        UseProcurement => matches!(
            role,
            Role::Admin | Role::Opd | Role::Bendahara | Role::Alumni
        ),
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

/// Object-level rule: only the alumnus who owns a business edits it, its listings and photos.
pub fn may_manage_business(actor: &Actor, owner_alumnus_id: i64) -> bool {
    actor.role == Role::Alumni && actor.alumnus_id == Some(owner_alumnus_id)
}

/// Who an order's viewer is: its buyer (their account, or the guest holding its secret link),
/// the seller (the alumnus who owns the business), or the agency. Nobody else may open it.
#[derive(Debug, Clone, Copy)]
pub struct OrderOwners {
    pub buyer_user_id: Option<i64>,
    pub seller_alumnus_id: i64,
}

/// Object-level rule for orders. The buyer comes first: an admin who ordered something is its
/// buyer, not the agency deciding its dispute.
pub fn order_party(
    actor: Option<&Actor>,
    order: &OrderOwners,
    guest_token_matches: bool,
) -> Option<crate::domain::order::Party> {
    use crate::domain::order::Party;
    if let Some(a) = actor {
        if order.buyer_user_id == Some(a.user_id) {
            return Some(Party::Buyer);
        }
        if a.role == Role::Alumni && a.alumnus_id == Some(order.seller_alumnus_id) {
            return Some(Party::Seller);
        }
    }
    if guest_token_matches && order.buyer_user_id.is_none() {
        return Some(Party::Buyer);
    }
    if actor.is_some_and(|a| a.role == Role::Admin) {
        return Some(Party::Agency);
    }
    None
}

/// Object-level rule for office procurement requests: the requesting office's staff and
/// treasurer, the alumnus whose business is asked or chosen (or was asked before, read-only),
/// and the agency. `asked_alumni` are the owners of every business the request was offered to.
pub fn procurement_party(
    actor: &Actor,
    office_id: i64,
    provider_alumnus_id: Option<i64>,
) -> Option<crate::domain::procurement::request::Party> {
    use crate::domain::procurement::request::Party;
    match actor.role {
        Role::Admin => Some(Party::Agency),
        Role::Opd if actor.office_id == Some(office_id) => Some(Party::Office),
        Role::Bendahara if actor.office_id == Some(office_id) => Some(Party::Treasurer),
        Role::Alumni if actor.alumnus_id.is_some() && actor.alumnus_id == provider_alumnus_id => {
            Some(Party::Provider)
        }
        _ => None,
    }
}

pub fn may_view_order(
    actor: Option<&Actor>,
    order: &OrderOwners,
    guest_token_matches: bool,
) -> bool {
    order_party(actor, order, guest_token_matches).is_some()
}

/// What one party knows of a capital application, for `capital_party`.
#[derive(Debug, Clone, Copy)]
pub struct CapitalOwners {
    pub alumnus_id: i64,
    pub partner_id: i64,
    pub state: crate::domain::capital::application::State,
    pub consent_live: bool,
    /// The partner has decided on it (its own record from then on).
    pub decided: bool,
}

/// Object-level rule for capital applications: the alumna who applied, the agency, and the
/// program's partner only while the alumna's consent is live (or once it decided). Nobody else
/// may know the application exists.
pub fn capital_party(
    actor: &Actor,
    app: &CapitalOwners,
) -> Option<crate::domain::capital::application::Party> {
    use crate::domain::capital::application::{Allowed, Party};
    match actor.role {
        Role::Admin => Some(Party::Agency),
        Role::Alumni if actor.alumnus_id == Some(app.alumnus_id) => Some(Party::Alumnus),
        Role::Mitra
            if actor.partner_id == Some(app.partner_id)
                && Allowed::partner_may_see(app.state, app.consent_live, app.decided) =>
        {
            Some(Party::Partner)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_owning_alumnus_manages_a_business() {
        let mut owner = actor(Role::Alumni, None);
        owner.alumnus_id = Some(7);
        assert!(may_manage_business(&owner, 7));
        assert!(!may_manage_business(&owner, 8));
        let unclaimed = actor(Role::Alumni, None);
        assert!(!may_manage_business(&unclaimed, 7));
        let mut admin = actor(Role::Admin, None);
        admin.alumnus_id = Some(7);
        assert!(!may_manage_business(&admin, 7));
    }

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
            assert_eq!(allows(role, FULL_NIK), role == Role::Admin, "full NIKs");
            assert_eq!(
                allows(role, Permission::ManageRegister),
                role == Role::Admin
            );
        }
    }

    #[test]
    fn only_admin_manages_procurement() {
        for role in Role::ALL {
            assert_eq!(
                allows(role, Permission::ManageProcurement),
                role == Role::Admin
            );
        }
    }

    #[test]
    fn procurement_requests_open_to_their_office_provider_and_agency() {
        use crate::domain::procurement::request::Party;
        assert_eq!(
            procurement_party(&actor(Role::Opd, Some(3)), 3, Some(9)),
            Some(Party::Office)
        );
        assert_eq!(
            procurement_party(&actor(Role::Opd, Some(4)), 3, Some(9)),
            None
        );
        assert_eq!(
            procurement_party(&actor(Role::Bendahara, Some(3)), 3, None),
            Some(Party::Treasurer)
        );
        assert_eq!(
            procurement_party(&actor(Role::Bendahara, Some(4)), 3, None),
            None
        );
        let mut provider = actor(Role::Alumni, None);
        provider.alumnus_id = Some(9);
        assert_eq!(
            procurement_party(&provider, 3, Some(9)),
            Some(Party::Provider)
        );
        assert_eq!(procurement_party(&provider, 3, Some(8)), None);
        assert_eq!(procurement_party(&actor(Role::Alumni, None), 3, None), None);
        assert_eq!(
            procurement_party(&actor(Role::Admin, None), 3, None),
            Some(Party::Agency)
        );
        for role in [Role::Pembeli, Role::Mitra] {
            assert_eq!(procurement_party(&actor(role, Some(3)), 3, Some(9)), None);
            assert!(!allows(role, Permission::UseProcurement));
        }
    }

    #[test]
    fn roles_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn orders_open_to_their_buyer_seller_and_the_agency_only() {
        use crate::domain::order::Party;
        let member = |role, user_id, alumnus_id| Actor {
            user_id,
            role,
            office_id: None,
            alumnus_id,
            partner_id: None,
        };
        let account_order = OrderOwners {
            buyer_user_id: Some(7),
            seller_alumnus_id: 3,
        };
        let guest_order = OrderOwners {
            buyer_user_id: None,
            seller_alumnus_id: 3,
        };
        let buyer = member(Role::Pembeli, 7, None);
        let other_buyer = member(Role::Pembeli, 8, None);
        let seller = member(Role::Alumni, 9, Some(3));
        let other_seller = member(Role::Alumni, 10, Some(4));
        let admin = member(Role::Admin, 1, None);
        assert_eq!(
            order_party(Some(&buyer), &account_order, false),
            Some(Party::Buyer)
        );
        assert_eq!(order_party(Some(&other_buyer), &account_order, false), None);
        assert_eq!(
            order_party(Some(&seller), &account_order, false),
            Some(Party::Seller)
        );
        assert_eq!(
            order_party(Some(&other_seller), &account_order, false),
            None
        );
        assert_eq!(
            order_party(Some(&admin), &account_order, false),
            Some(Party::Agency)
        );
        assert_eq!(order_party(None, &account_order, false), None);
        // A guest link opens only a guest's order, and only with the right token.
        assert_eq!(order_party(None, &account_order, true), None);
        assert_eq!(order_party(None, &guest_order, true), Some(Party::Buyer));
        assert_eq!(order_party(None, &guest_order, false), None);
        assert_eq!(
            order_party(Some(&other_buyer), &guest_order, true),
            Some(Party::Buyer)
        );
        // An admin who ordered is the buyer of that order.
        let admin_order = OrderOwners {
            buyer_user_id: Some(1),
            seller_alumnus_id: 3,
        };
        assert_eq!(
            order_party(Some(&admin), &admin_order, false),
            Some(Party::Buyer)
        );
        assert!(may_view_order(Some(&seller), &guest_order, false));
        assert!(!may_view_order(Some(&other_seller), &guest_order, false));
    }
}
