//! Capital applications: the one place that decides how an application changes state and who
//! may change it.
//!
//! ```text
//! draft ──submit──▶ submitted ──review──▶ in_review ──recommend──▶ recommended ──refer──▶ referred
//!   │  ▲                                   │   │                                          │ (consent)
//!   │  └─────resubmit── returned ◀──return─┘   └──reject──▶ rejected        approve ◀─────┴────▶ decline
//!   │                                                                          │                declined
//!   expire (drafts and returned ones left too long)                    approved ──disburse──▶ disbursed ──close──▶ closed
//! withdraw (alumnus): any state before the partner decides
//! ```
//!
//! The partner acts only on a referral the alumna consented to share with it: without live
//! consent it may neither decide nor even see the application (`Allowed::consent`). The
//! migration's `capital_application_transitions` is this machine written out (a test compares
//! them) and its trigger refuses any other change of state.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum State {
    Draft,
    Submitted,
    InReview,
    Returned,
    Rejected,
    Recommended,
    Referred,
    Approved,
    Declined,
    Disbursed,
    Closed,
    Withdrawn,
    Expired,
}

impl State {
    pub const ALL: [State; 13] = [
        State::Draft,
        State::Submitted,
        State::InReview,
        State::Returned,
        State::Rejected,
        State::Recommended,
        State::Referred,
        State::Approved,
        State::Declined,
        State::Disbursed,
        State::Closed,
        State::Withdrawn,
        State::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::InReview => "in_review",
            State::Returned => "returned",
            State::Rejected => "rejected",
            State::Recommended => "recommended",
            State::Referred => "referred",
            State::Approved => "approved",
            State::Declined => "declined",
            State::Disbursed => "disbursed",
            State::Closed => "closed",
            State::Withdrawn => "withdrawn",
            State::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            State::Draft => "Draf",
            State::Submitted => "Diajukan, menunggu pemeriksaan",
            State::InReview => "Diperiksa Disnakertrans",
            State::Returned => "Dikembalikan untuk diperbaiki",
            State::Rejected => "Ditolak Disnakertrans",
            State::Recommended => "Direkomendasikan",
            State::Referred => "Dirujuk ke mitra",
            State::Approved => "Disetujui mitra",
            State::Declined => "Tidak disetujui mitra",
            State::Disbursed => "Dana/bantuan diterima",
            State::Closed => "Lunas/selesai",
            State::Withdrawn => "Ditarik pemohon",
            State::Expired => "Kedaluwarsa",
        }
    }

    /// Still moving: counts as "an open application" for a program's one-at-a-time rule, with
    /// a disbursed loan (active until closed).
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            State::Rejected | State::Declined | State::Closed | State::Withdrawn | State::Expired
        )
    }

    /// The alumna may still change what she asks for and her documents.
    pub fn editable(self) -> bool {
        matches!(self, State::Draft | State::Returned)
    }

    /// The stages whose time the agency's view measures, in order.
    pub const STAGES: [State; 5] = [
        State::Submitted,
        State::InReview,
        State::Recommended,
        State::Referred,
        State::Approved,
    ];
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Party {
    /// The alumna who applies.
    Alumnus,
    /// Disnakertrans staff.
    Agency,
    /// A user of the program's partner.
    Partner,
    /// The timeout job.
    System,
}

impl Party {
    pub const ALL: [Party; 4] = [Party::Alumnus, Party::Agency, Party::Partner, Party::System];

    /// As stored in `capital_application_events.actor`.
    pub fn as_str(self) -> &'static str {
        match self {
            Party::Alumnus => "alumnus",
            Party::Agency => "agency",
            Party::Partner => "partner",
            Party::System => "system",
        }
    }

    pub fn parse(s: &str) -> Option<Party> {
        Party::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Party::Alumnus => "Pemohon",
            Party::Agency => "Disnakertrans",
            Party::Partner => "Mitra",
            Party::System => "Sistem",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Change the request or its documents (no change of state).
    Edit,
    Submit,
    Withdraw,
    Review,
    Return,
    Reject,
    Recommend,
    Refer,
    /// Freeze a new dossier version (no change of state).
    Refresh,
    /// Agree to share the dossier with the partner (no change of state).
    Consent,
    RevokeConsent,
    Approve,
    Decline,
    Disburse,
    /// A monthly repayment report; `closed` moves the loan to `Closed`.
    ReportRepayment,
    CloseRepayment,
    Expire,
}

impl Action {
    pub const ALL: [Action; 17] = [
        Action::Edit,
        Action::Submit,
        Action::Withdraw,
        Action::Review,
        Action::Return,
        Action::Reject,
        Action::Recommend,
        Action::Refer,
        Action::Refresh,
        Action::Consent,
        Action::RevokeConsent,
        Action::Approve,
        Action::Decline,
        Action::Disburse,
        Action::ReportRepayment,
        Action::CloseRepayment,
        Action::Expire,
    ];

    /// The slug in URLs and in `capital_application_events.action`.
    pub fn slug(self) -> &'static str {
        match self {
            Action::Edit => "ubah",
            Action::Submit => "ajukan",
            Action::Withdraw => "tarik",
            Action::Review => "periksa",
            Action::Return => "kembalikan",
            Action::Reject => "tolak",
            Action::Recommend => "rekomendasikan",
            Action::Refer => "rujuk",
            Action::Refresh => "perbarui-dosier",
            Action::Consent => "setujui-berbagi",
            Action::RevokeConsent => "cabut-persetujuan",
            Action::Approve => "setujui",
            Action::Decline => "tolak-mitra",
            Action::Disburse => "cairkan",
            Action::ReportRepayment => "lapor-angsuran",
            Action::CloseRepayment => "lunas",
            Action::Expire => "kedaluwarsa",
        }
    }

    pub fn from_slug(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.slug() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Action::Edit => "Ubah pengajuan",
            Action::Submit => "Ajukan",
            Action::Withdraw => "Tarik pengajuan",
            Action::Review => "Mulai periksa",
            Action::Return => "Kembalikan untuk diperbaiki",
            Action::Reject => "Tolak",
            Action::Recommend => "Rekomendasikan",
            Action::Refer => "Rujuk ke mitra",
            Action::Refresh => "Perbarui dosier",
            Action::Consent => "Saya setuju data ini dibagikan",
            Action::RevokeConsent => "Cabut persetujuan",
            Action::Approve => "Setujui",
            Action::Decline => "Tidak disetujui",
            Action::Disburse => "Catat pencairan",
            Action::ReportRepayment => "Laporkan angsuran",
            Action::CloseRepayment => "Lunas",
            Action::Expire => "Kedaluwarsa",
        }
    }

    /// Steps that need the acting party to say why.
    pub fn needs_reason(self) -> bool {
        matches!(self, Action::Return | Action::Reject | Action::Decline)
    }
}

/// Why a move is refused, in the words the user sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// This party may not take this step from this state.
    NotNow { state: State, action: Action },
    /// The partner acts only with the alumna's live consent.
    NoConsent,
    /// Consent was already given.
    AlreadyConsented,
    /// The reason is required.
    ReasonRequired,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NotNow { state, action } => write!(
                f,
                "Langkah \"{}\" tidak dapat dilakukan saat pengajuan berstatus \"{}\".",
                action.label(),
                state.label()
            ),
            Refusal::NoConsent => f.write_str(
                "Pemohon belum menyetujui (atau sudah mencabut persetujuan) data ini dibagikan kepada mitra.",
            ),
            Refusal::AlreadyConsented => f.write_str("Persetujuan berbagi data sudah diberikan."),
            Refusal::ReasonRequired => f.write_str("Tuliskan alasannya (paling sedikit 5 karakter)."),
        }
    }
}

/// The legal moves: (from, party, action) → to. The one table; everything else asks it.
pub fn next(state: State, party: Party, action: Action) -> Option<State> {
    use Action as A;
    use Party as P;
    use State as S;
    Some(match (state, party, action) {
        (S::Draft | S::Returned, P::Alumnus, A::Edit) => state,
        (S::Draft | S::Returned, P::Alumnus, A::Submit) => S::Submitted,
        (
            S::Draft | S::Submitted | S::InReview | S::Returned | S::Recommended | S::Referred,
            P::Alumnus,
            A::Withdraw,
        ) => S::Withdrawn,
        (S::Draft | S::Returned, P::System, A::Expire) => S::Expired,
        (S::Submitted, P::Agency, A::Review) => S::InReview,
        (S::InReview, P::Agency, A::Return) => S::Returned,
        (S::InReview, P::Agency, A::Reject) => S::Rejected,
        (S::InReview, P::Agency, A::Recommend) => S::Recommended,
        (S::Recommended, P::Agency, A::Refer) => S::Referred,
        (S::Submitted | S::InReview | S::Recommended, P::Agency | P::Alumnus, A::Refresh) => state,
        (S::Referred, P::Alumnus, A::Consent | A::RevokeConsent) => state,
        (S::Referred, P::Partner, A::Approve) => S::Approved,
        (S::Referred, P::Partner, A::Decline) => S::Declined,
        (S::Approved, P::Partner, A::Disburse) => S::Disbursed,
        (S::Disbursed, P::Partner, A::ReportRepayment) => S::Disbursed,
        (S::Disbursed, P::Partner, A::CloseRepayment) => S::Closed,
        _ => return None,
    })
}

/// What one party may do to one application now.
#[derive(Debug, Clone, Copy)]
pub struct Allowed {
    pub state: State,
    pub party: Party,
    /// The alumna's consent to share with the program's partner is live.
    pub consent: bool,
}

impl Allowed {
    pub fn new(state: State, party: Party, consent: bool) -> Allowed {
        Allowed {
            state,
            party,
            consent,
        }
    }

    /// The state the action leads to, or why not.
    pub fn may(&self, action: Action) -> Result<State, Refusal> {
        let to = next(self.state, self.party, action).ok_or(Refusal::NotNow {
            state: self.state,
            action,
        })?;
        match action {
            Action::Approve | Action::Decline if !self.consent => Err(Refusal::NoConsent),
            Action::Consent if self.consent => Err(Refusal::AlreadyConsented),
            Action::RevokeConsent if !self.consent => Err(Refusal::NoConsent),
            _ => Ok(to),
        }
    }

    /// Every action this party may take now, in the order buttons are shown.
    pub fn actions(&self) -> Vec<Action> {
        Action::ALL
            .into_iter()
            .filter(|a| self.may(*a).is_ok())
            .collect()
    }

    /// The partner sees an application only while it was referred to it with live consent, or
    /// after it decided on it (its own records).
    pub fn partner_may_see(state: State, consent_live: bool, decided: bool) -> bool {
        match state {
            State::Referred => consent_live,
            State::Approved | State::Declined | State::Disbursed | State::Closed => decided,
            State::Withdrawn => decided,
            _ => false,
        }
    }
}

/// A reason typed for a step that needs one.
pub fn reason(action: Action, raw: &str) -> Result<String, Refusal> {
    let r = crate::domain::form::clean(raw);
    if action.needs_reason() && r.chars().count() < 5 {
        return Err(Refusal::ReasonRequired);
    }
    Ok(r.chars().take(1000).collect())
}

/// The partner's repayment report for one month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repayment {
    OnTrack,
    Late,
    Closed,
}

impl Repayment {
    pub const ALL: [Repayment; 3] = [Repayment::OnTrack, Repayment::Late, Repayment::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            Repayment::OnTrack => "on_track",
            Repayment::Late => "late",
            Repayment::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Repayment> {
        Repayment::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Repayment::OnTrack => "Lancar",
            Repayment::Late => "Terlambat",
            Repayment::Closed => "Lunas",
        }
    }

    pub fn action(self) -> Action {
        match self {
            Repayment::Closed => Action::CloseRepayment,
            _ => Action::ReportRepayment,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_migration_writes_out_this_machine() {
        let mut ours: Vec<(String, String)> = Vec::new();
        for from in State::ALL {
            for party in Party::ALL {
                for action in Action::ALL {
                    if let Some(to) = next(from, party, action)
                        && to != from
                    {
                        ours.push((from.as_str().into(), to.as_str().into()));
                    }
                }
            }
        }
        ours.sort();
        ours.dedup();
        for backend in ["sqlite", "postgres"] {
            let sql = std::fs::read_to_string(format!(
                "{}/migrations/{backend}/0009_capital.sql",
                env!("CARGO_MANIFEST_DIR")
            ))
            .unwrap();
            let mut theirs =
                crate::domain::migration_transitions(&sql, "capital_application_transitions");
            theirs.sort();
            assert_eq!(ours, theirs, "{backend}");
        }
    }

    /// The legal moves written out by hand from the issue, independently of `next`: every
    /// (state, party, action) of the whole space is checked against it.
    #[test]
    fn the_whole_space_against_an_independent_table() {
        use Action as A;
        use Party as P;
        use State as S;
        let table: &[(S, P, A, S)] = &[
            (S::Draft, P::Alumnus, A::Edit, S::Draft),
            (S::Returned, P::Alumnus, A::Edit, S::Returned),
            (S::Draft, P::Alumnus, A::Submit, S::Submitted),
            (S::Returned, P::Alumnus, A::Submit, S::Submitted),
            (S::Draft, P::Alumnus, A::Withdraw, S::Withdrawn),
            (S::Submitted, P::Alumnus, A::Withdraw, S::Withdrawn),
            (S::InReview, P::Alumnus, A::Withdraw, S::Withdrawn),
            (S::Returned, P::Alumnus, A::Withdraw, S::Withdrawn),
            (S::Recommended, P::Alumnus, A::Withdraw, S::Withdrawn),
            (S::Referred, P::Alumnus, A::Withdraw, S::Withdrawn),
            (S::Draft, P::System, A::Expire, S::Expired),
            (S::Returned, P::System, A::Expire, S::Expired),
            (S::Submitted, P::Agency, A::Review, S::InReview),
            (S::InReview, P::Agency, A::Return, S::Returned),
            (S::InReview, P::Agency, A::Reject, S::Rejected),
            (S::InReview, P::Agency, A::Recommend, S::Recommended),
            (S::Recommended, P::Agency, A::Refer, S::Referred),
            (S::Submitted, P::Agency, A::Refresh, S::Submitted),
            (S::InReview, P::Agency, A::Refresh, S::InReview),
            (S::Recommended, P::Agency, A::Refresh, S::Recommended),
            (S::Submitted, P::Alumnus, A::Refresh, S::Submitted),
            (S::InReview, P::Alumnus, A::Refresh, S::InReview),
            (S::Recommended, P::Alumnus, A::Refresh, S::Recommended),
            (S::Referred, P::Alumnus, A::Consent, S::Referred),
            (S::Referred, P::Alumnus, A::RevokeConsent, S::Referred),
            (S::Referred, P::Partner, A::Approve, S::Approved),
            (S::Referred, P::Partner, A::Decline, S::Declined),
            (S::Approved, P::Partner, A::Disburse, S::Disbursed),
            (S::Disbursed, P::Partner, A::ReportRepayment, S::Disbursed),
            (S::Disbursed, P::Partner, A::CloseRepayment, S::Closed),
        ];
        let mut checked = 0;
        for state in State::ALL {
            for party in Party::ALL {
                for action in Action::ALL {
                    let expected = table
                        .iter()
                        .find(|(s, p, a, _)| *s == state && *p == party && *a == action)
                        .map(|(_, _, _, to)| *to);
                    assert_eq!(
                        next(state, party, action),
                        expected,
                        "{state:?} {party:?} {action:?}"
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 13 * 4 * 17);
    }

    #[test]
    fn the_partner_decides_only_with_consent() {
        let without = Allowed::new(State::Referred, Party::Partner, false);
        assert_eq!(without.may(Action::Approve), Err(Refusal::NoConsent));
        assert_eq!(without.may(Action::Decline), Err(Refusal::NoConsent));
        let with = Allowed::new(State::Referred, Party::Partner, true);
        assert_eq!(with.may(Action::Approve), Ok(State::Approved));
        assert_eq!(with.actions(), vec![Action::Approve, Action::Decline]);
    }

    #[test]
    fn consent_is_given_once_and_revoked_only_when_given() {
        let a = Allowed::new(State::Referred, Party::Alumnus, false);
        assert_eq!(a.may(Action::Consent), Ok(State::Referred));
        assert_eq!(a.may(Action::RevokeConsent), Err(Refusal::NoConsent));
        let b = Allowed::new(State::Referred, Party::Alumnus, true);
        assert_eq!(b.may(Action::Consent), Err(Refusal::AlreadyConsented));
        assert_eq!(b.may(Action::RevokeConsent), Ok(State::Referred));
        // After the partner decides, consent can no longer be revoked.
        let c = Allowed::new(State::Approved, Party::Alumnus, true);
        assert!(c.may(Action::RevokeConsent).is_err());
    }

    #[test]
    fn nobody_but_the_alumna_withdraws_and_never_after_the_decision() {
        for party in [Party::Agency, Party::Partner, Party::System] {
            for state in State::ALL {
                assert!(next(state, party, Action::Withdraw).is_none());
            }
        }
        for state in [
            State::Approved,
            State::Declined,
            State::Disbursed,
            State::Closed,
        ] {
            assert!(next(state, Party::Alumnus, Action::Withdraw).is_none());
        }
    }

    #[test]
    fn reasons_are_required_where_named() {
        assert_eq!(reason(Action::Reject, " no "), Err(Refusal::ReasonRequired));
        assert_eq!(
            reason(Action::Reject, "Usaha belum berjalan").unwrap(),
            "Usaha belum berjalan"
        );
        assert_eq!(reason(Action::Recommend, "").unwrap(), "");
    }

    #[test]
    fn slugs_round_trip() {
        for a in Action::ALL {
            assert_eq!(Action::from_slug(a.slug()), Some(a));
        }
        for s in State::ALL {
            assert_eq!(State::parse(s.as_str()), Some(s));
        }
    }
}
