//! Accounts: signing in and out, passwords (changed by their owner, or set through a one-time
//! link an admin issues), users managed by the agency, self sign-up, and alumni claiming their
//! record (with the claim codes the agency prints).
//!
//! Every change here is one function that opens its transaction, writes its audit entry and
//! commits. Cookies, pages and redirects stay in `web`.

use crate::app::{AppError, AppResult, FormError, FormResult};
use crate::db::audit::{self, Event, Who};
use crate::db::claims::{self, CodeState, OwnRecord};
use crate::db::sessions::{self, ResetState};
use crate::db::users::{self, User};
use crate::db::{Db, DbError, constraint, directory, now, regions, register};
use crate::domain::claim::{
    CODE_VALID_DAYS, ClaimCode, Contact, Method, NikClaim, Refusal, SignUp, phone_username,
    throttle_keys,
};
use crate::domain::dates::to_iso;
use crate::domain::password::{self, NewPassword};
use crate::domain::phone::Phone;
use crate::domain::policy::Role;
use crate::domain::region::{Region, RegionLevel};
use crate::domain::throttle;
use crate::domain::user::{AccountFields, AccountInput, FieldErrors};
use crate::secrets::{Key, new_token, personal};

/// Runs password hashing or verification off the async workers.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// A new password's message goes on the confirmation field when it is about the confirmation.
fn new_password_error(message: &'static str) -> (&'static str, String) {
    if message.contains("Konfirmasi") {
        ("confirm", message.into())
    } else {
        ("new", message.into())
    }
}

/// Whether an attempt under these keys may have its secret checked.
enum Admission {
    /// Counted (the row `attempt`): check the secret, then keep the row as a failure or forget
    /// it.
    Admitted { attempt: i64 },
    /// Held back: wait this many seconds; `failures` is the count behind the wait.
    Throttled { wait: i64, failures: i64 },
}

/// Counts the attempt first, then asks the throttle about the others (see
/// `sessions::count_attempt` for why this order holds under concurrency). A held-back attempt is
/// not counted as a failure: waiting out the time is enough to try again.
async fn admit(db: &Db, user_key: &str, ip_key: &str) -> AppResult<Admission> {
    let t = now();
    let (attempt, [(user_failures, user_last), (ip_failures, ip_last)]) =
        sessions::count_attempt(db, user_key, ip_key, t - throttle::WINDOW_SECS).await?;
    let wait =
        throttle::wait_needed(user_failures, throttle::ACCOUNT_FREE_FAILURES, user_last, t).max(
            throttle::wait_needed(ip_failures, throttle::IP_FREE_FAILURES, ip_last, t),
        );
    match wait {
        None => Ok(Admission::Admitted { attempt }),
        Some(wait) => {
            sessions::forget_attempt(db, attempt).await?;
            Ok(Admission::Throttled {
                wait,
                failures: user_failures.max(ip_failures),
            })
        }
    }
}

// ---- signing in and out ----

/// A sign-in attempt. `username` is what the login form looks up (see
/// `domain::claim::sign_in_name`).
pub struct SignIn<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub ip: &'a str,
    pub user_agent: &'a str,
    /// The session cookie the browser still carries, ended on success.
    pub old_session: Option<&'a str>,
    pub ttl_secs: i64,
}

/// What a sign-in attempt came to.
pub enum SignedIn {
    /// A new session: its cookie value.
    Session(String),
    /// Too many failures: wait this many seconds.
    Throttled(i64),
    /// The password is right but the account is disabled.
    Disabled,
    /// Unknown user or wrong password (the same answer for both).
    Wrong,
}

/// Signs in: the throttle first, then the password; every outcome is audited.
pub async fn sign_in(db: &Db, s: SignIn<'_>) -> AppResult<SignedIn> {
    let username: String = s.username.chars().take(64).collect();
    let attempt = match admit(db, &username, s.ip).await? {
        Admission::Admitted { attempt } => attempt,
        Admission::Throttled { wait, failures } => {
            audit::record(
                db,
                Event {
                    actor_label: &username,
                    action: "login.throttled",
                    entity: "user",
                    entity_id: username.clone(),
                    summary: serde_json::json!({"wait_secs": wait, "failures": failures}),
                    ip: s.ip,
                    ..Default::default()
                },
            )
            .await?;
            return Ok(SignedIn::Throttled(wait));
        }
    };

    let found = users::credentials(db, &username).await?;
    let candidate = s.password.to_owned();
    let stored = found.as_ref().map(|(_, h)| h.clone());
    let valid = blocking(move || password::verify(&candidate, stored.as_deref())).await?;

    match found {
        Some((user, _)) if valid && !user.disabled => {
            if let Some(old) = s.old_session {
                sessions::end(db, old).await?;
            }
            let token = sessions::start(db, user.id, s.ttl_secs, s.ip, s.user_agent).await?;
            sessions::clear_failures(db, &username).await?;
            audit::record(db, user_event(&user, "login.success", s.ip)).await?;
            Ok(SignedIn::Session(token))
        }
        Some((user, _)) if valid => {
            sessions::forget_attempt(db, attempt).await?;
            audit::record(db, user_event(&user, "login.disabled", s.ip)).await?;
            Ok(SignedIn::Disabled)
        }
        // The counted attempt stays as the failure.
        found => {
            audit::record(
                db,
                Event {
                    actor_id: found.as_ref().map(|(u, _)| u.id),
                    actor_label: &username,
                    action: "login.failure",
                    entity: "user",
                    entity_id: found
                        .as_ref()
                        .map(|(u, _)| u.id.to_string())
                        .unwrap_or_else(|| username.clone()),
                    summary: serde_json::json!({"known_user": found.is_some()}),
                    ip: s.ip,
                },
            )
            .await?;
            Ok(SignedIn::Wrong)
        }
    }
}

/// An audit entry by a user about their own account, with an empty summary.
fn user_event<'a>(user: &'a User, action: &'a str, ip: &'a str) -> Event<'a> {
    Event {
        actor_id: Some(user.id),
        actor_label: &user.username,
        action,
        entity: "user",
        entity_id: user.id.to_string(),
        summary: serde_json::json!({}),
        ip,
    }
}

/// Ends the session of this cookie (if any) and records who signed out.
pub async fn sign_out(
    db: &Db,
    session: Option<&str>,
    user: Option<&User>,
    ip: &str,
) -> AppResult<()> {
    if let Some(token) = session {
        sessions::end(db, token).await?;
    }
    if let Some(user) = user {
        audit::record(db, user_event(user, "logout", ip)).await?;
    }
    Ok(())
}

// ---- passwords ----

/// The signed-in user changes their password; every session of theirs ends. Messages go on the
/// fields `current`, `new` and `confirm`.
pub async fn change_password(
    db: &Db,
    user: &User,
    ip: &str,
    current: &str,
    new: &str,
    confirm: &str,
) -> FormResult<()> {
    let stored = users::password_hash(db, user.id).await?;
    let current = current.to_owned();
    let current_ok = blocking(move || password::verify(&current, Some(&stored))).await?;
    let new = NewPassword::parse(new, confirm);
    let mut errors = FieldErrors::new();
    if !current_ok {
        errors.push(("current", "Kata sandi sekarang salah.".into()));
    }
    if let Err(e) = &new {
        errors.push(new_password_error(e));
    }
    let (true, Ok(new)) = (current_ok, new) else {
        return Err(FormError::Fields(errors));
    };
    let hash = blocking(move || new.hash()).await?;
    let mut tx = db.begin().await?;
    users::set_password(&mut tx, user.id, &hash).await?;
    audit::append(
        &mut tx,
        Event {
            summary: serde_json::json!({"sessions_ended": true}),
            ..user_event(user, "user.password_changed", ip)
        },
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(())
}

/// Where a one-time password link stands.
pub enum ResetLink {
    /// It works, for this user.
    Valid(User),
    Used,
    Expired,
}

/// The state of a one-time link; an unknown token is `NotFound`.
pub async fn reset_link(db: &Db, token: &str) -> AppResult<ResetLink> {
    match sessions::reset_state(db, token).await? {
        ResetState::Valid { user_id } => Ok(ResetLink::Valid(users::get(db, user_id).await?)),
        ResetState::Used => Ok(ResetLink::Used),
        ResetState::Expired => Ok(ResetLink::Expired),
        ResetState::Unknown => Err(AppError::NotFound),
    }
}

/// Whether a one-time link set the password, or was used by another request first.
#[derive(Debug, PartialEq, Eq)]
pub enum PasswordSet {
    Done,
    LinkUsed,
}

/// Sets a password through a one-time link (`user` is the link's, from [`reset_link`]).
/// Messages go on the fields `new` and `confirm`.
pub async fn set_password_by_link(
    db: &Db,
    token: &str,
    user: &User,
    ip: &str,
    new: &str,
    confirm: &str,
) -> FormResult<PasswordSet> {
    let new = NewPassword::parse(new, confirm)
        .map_err(|e| FormError::Fields(vec![new_password_error(e)]))?;
    let hash = blocking(move || new.hash()).await?;
    let mut tx = db.begin().await?;
    let user_id = match sessions::consume_reset(&mut tx, token).await {
        Ok(id) => id,
        Err(DbError::Stale) => return Ok(PasswordSet::LinkUsed),
        Err(e) => return Err(e.into()),
    };
    users::set_password(&mut tx, user_id, &hash).await?;
    audit::append(
        &mut tx,
        Event {
            actor_id: Some(user_id),
            actor_label: &user.username,
            action: "user.password_reset_used",
            entity: "user",
            entity_id: user_id.to_string(),
            summary: serde_json::json!({"sessions_ended": true}),
            ip,
        },
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(PasswordSet::Done)
}

// ---- users managed by the agency ----

/// Where one-time links point and how long they work.
pub struct LinkSettings<'a> {
    pub public_url: &'a str,
    pub ttl_secs: i64,
}

/// A one-time link to set a password, for the admin to hand over.
pub struct IssuedLink {
    pub user: User,
    pub link: String,
    /// When it stops working (Unix seconds).
    pub expires_at: i64,
}

async fn issue_link(
    tx: &mut crate::db::Tx,
    by: &Who<'_>,
    user: User,
    settings: &LinkSettings<'_>,
) -> AppResult<IssuedLink> {
    let admin_id = by.id.ok_or(AppError::Forbidden)?;
    let (token, expires_at) =
        sessions::create_reset(tx, user.id, admin_id, settings.ttl_secs).await?;
    audit::append(
        tx,
        Event {
            actor_id: by.id,
            actor_label: by.label,
            action: "user.password_reset_issued",
            entity: "user",
            entity_id: user.id.to_string(),
            summary: serde_json::json!({"expires_at": expires_at}),
            ip: by.ip,
        },
    )
    .await?;
    let base = settings.public_url.trim_end_matches('/');
    Ok(IssuedLink {
        link: format!("{base}/sandi/atur/{token}"),
        user,
        expires_at,
    })
}

/// Parses the account form and checks that the linked records exist.
async fn account_fields(db: &Db, input: &AccountInput<'_>) -> FormResult<AccountFields> {
    let fields = AccountFields::parse(input).map_err(FormError::Fields)?;
    let mut errors = FieldErrors::new();
    if let Some(id) = fields.links.office_id
        && directory::office(db, id).await.is_err()
    {
        errors.push(("office_id", "OPD yang dipilih tidak ditemukan.".into()));
    }
    if let Some(id) = fields.links.partner_id
        && directory::partner(db, id).await.is_err()
    {
        errors.push(("partner_id", "Mitra yang dipilih tidak ditemukan.".into()));
    }
    if let Some(id) = fields.links.alumnus_id
        && !register::alumnus_exists(db, id).await.unwrap_or(false)
    {
        errors.push((
            "alumnus_id",
            "Tidak ada data alumni dengan nomor ini.".into(),
        ));
    }
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(FormError::Fields(errors))
    }
}

/// A username or alumnus record another account already has, as the form's message.
fn account_conflict(e: DbError) -> FormError {
    if e.is_conflict(constraint::USERS_ALUMNUS_ID) {
        // One account per alumnus record (migration 0002).
        return FormError::field(
            "alumnus_id",
            "Data alumni ini sudah terhubung ke akun lain.",
        );
    }
    if e.is_conflict(constraint::USERS_USERNAME) {
        return FormError::field(
            "username",
            "Nama pengguna ini sudah dipakai. Pilih nama lain.",
        );
    }
    e.into()
}

/// An admin creates an account. It starts with an unusable password; the user sets one through
/// the one-time link returned.
pub async fn create_user(
    db: &Db,
    by: &Who<'_>,
    input: &AccountInput<'_>,
    settings: &LinkSettings<'_>,
) -> FormResult<IssuedLink> {
    let fields = account_fields(db, input).await?;
    let unusable = format!("!{}", new_token().1);
    let mut tx = db.begin().await?;
    let user = users::create_audited(&mut tx, &fields, &unusable, by)
        .await
        .map_err(account_conflict)?;
    let issued = issue_link(&mut tx, by, user, settings).await?;
    crate::db::commit(tx).await?;
    Ok(issued)
}

/// An admin changes an account. A change of role or links ends the account's sessions; an admin
/// cannot take the admin role from their own account.
pub async fn update_user(
    db: &Db,
    by: &Who<'_>,
    id: i64,
    input: &AccountInput<'_>,
) -> FormResult<()> {
    let before = users::get(db, id).await?;
    let fields = account_fields(db, input).await?;
    if by.id == Some(id) && fields.role != Role::Admin {
        return Err(FormError::field(
            "role",
            "Anda tidak dapat mencabut peran admin dari akun Anda sendiri.",
        ));
    }
    let mut tx = db.begin().await?;
    let after = users::update(&mut tx, id, &fields)
        .await
        .map_err(account_conflict)?;
    if after.role != before.role || after.links != before.links {
        // A change of role or office takes effect at once: existing sessions end.
        sessions::end_all_for_user(&mut tx, id).await?;
    }
    audit::append(
        &mut tx,
        Event {
            actor_id: by.id,
            actor_label: by.label,
            action: "user.update",
            entity: "user",
            entity_id: id.to_string(),
            summary: serde_json::json!({"before": before.audit_summary(), "after": after.audit_summary()}),
            ip: by.ip,
        },
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(())
}

/// An admin disables (ending its sessions) or enables an account other than their own.
pub async fn set_disabled(db: &Db, by: &Who<'_>, id: i64, disabled: bool) -> AppResult<()> {
    if by.id == Some(id) {
        return Err(AppError::Forbidden);
    }
    let before = users::get(db, id).await?;
    let mut tx = db.begin().await?;
    users::set_disabled(&mut tx, id, disabled).await?;
    audit::append(
        &mut tx,
        Event {
            actor_id: by.id,
            actor_label: by.label,
            action: if disabled { "user.disable" } else { "user.enable" },
            entity: "user",
            entity_id: id.to_string(),
            summary: serde_json::json!({"before": {"disabled": before.disabled}, "after": {"disabled": disabled}}),
            ip: by.ip,
        },
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(())
}

/// An admin issues a new one-time link for an account (older unused ones stop working).
pub async fn issue_password_link(
    db: &Db,
    by: &Who<'_>,
    id: i64,
    settings: &LinkSettings<'_>,
) -> AppResult<IssuedLink> {
    let user = users::get(db, id).await?;
    let mut tx = db.begin().await?;
    let issued = issue_link(&mut tx, by, user, settings).await?;
    crate::db::commit(tx).await?;
    Ok(issued)
}

// ---- self sign-up ----

/// The sign-up form as typed.
pub struct SignUpInput<'a> {
    pub display_name: &'a str,
    pub phone: &'a str,
    pub password: &'a str,
    pub confirm: &'a str,
}

fn number_taken() -> FormError {
    FormError::field(
        "phone",
        "Nomor WhatsApp ini sudah terdaftar. Silakan masuk dengan nomor ini; jika lupa kata sandi, \
         minta tautan atur ulang kepada admin Disnakertrans/BLK.",
    )
}

/// Creates an alumni account with no record linked yet (audited as a self sign-up). The caller
/// signs it in with [`start_session`].
pub async fn sign_up(db: &Db, input: &SignUpInput<'_>, ip: &str) -> FormResult<User> {
    let signup = SignUp::parse(
        input.display_name,
        input.phone,
        input.password,
        input.confirm,
    )
    .map_err(FormError::Fields)?;
    let fields = signup.account();
    if claims::number_taken(db, &signup.phone, fields.username.as_str(), None).await? {
        return Err(number_taken());
    }
    let password = signup.password;
    let hash = blocking(move || password.hash()).await?;
    let mut tx = db.begin().await?;
    let who = Who {
        id: None,
        label: "pendaftaran mandiri",
        ip,
    };
    let user = match users::create_audited(&mut tx, &fields, &hash, &who).await {
        Ok(u) => u,
        Err(e) if e.is_conflict(constraint::USERS_USERNAME) => return Err(number_taken()),
        Err(e) => return Err(e.into()),
    };
    crate::db::commit(tx).await?;
    Ok(user)
}

/// Starts a session for a user who just proved who they are, ending the browser's old one.
pub async fn start_session(
    db: &Db,
    user_id: i64,
    old_session: Option<&str>,
    ttl_secs: i64,
    ip: &str,
    user_agent: &str,
) -> AppResult<String> {
    if let Some(old) = old_session {
        sessions::end(db, old).await?;
    }
    Ok(sessions::start(db, user_id, ttl_secs, ip, user_agent).await?)
}

// ---- the claim ----

/// How an alumnus proves a record is theirs.
pub enum Proof {
    Code(ClaimCode),
    Nik(NikClaim),
}

impl Proof {
    pub fn method(&self) -> Method {
        match self {
            Proof::Code(_) => Method::Code,
            Proof::Nik(_) => Method::Nik,
        }
    }
}

/// The stored form of a claim code: keyed with the data key, because 40 bits could be
/// brute-forced from a plain hash in a leaked table.
fn code_hash(key: &Key, code: &ClaimCode) -> String {
    personal::keyed_hash(key, &format!("klaim:{}", code.as_str()))
}

/// What a claim came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Claimed {
    Linked,
    /// Too many failed attempts: wait this many seconds.
    Throttled(i64),
    Refused(Refusal),
}

/// Which alumnus the proof points to, or why it does not.
async fn resolve(db: &Db, key: &Key, proof: &Proof) -> AppResult<Result<i64, Refusal>> {
    let alumnus = match proof {
        Proof::Nik(c) => {
            let hash = personal::keyed_hash(key, c.nik.as_str());
            match claims::by_nik_hash(db, &hash).await? {
                Some((id, Some(born))) if born == to_iso(c.birth_date) => Ok(id),
                // Unknown NIK and wrong birth date get the same answer.
                _ => Err(Refusal::NoMatch),
            }
        }
        Proof::Code(code) => match claims::code_state(db, &code_hash(key, code)).await? {
            CodeState::Live { alumnus_id } => Ok(alumnus_id),
            CodeState::Used => Err(Refusal::CodeUsed),
            CodeState::Expired => Err(Refusal::CodeExpired),
            CodeState::Replaced => Err(Refusal::CodeReplaced),
            CodeState::Unknown => Err(Refusal::CodeUnknown),
        },
    };
    Ok(match alumnus {
        Ok(id) if claims::owner(db, id).await?.is_some() => Err(Refusal::AlreadyClaimed),
        other => other,
    })
}

/// Links the account in one transaction with the code's use and the audit entry. A race lost
/// to another claim (or another use of the code) comes back as a refusal.
async fn link(
    db: &Db,
    key: &Key,
    user: &User,
    proof: &Proof,
    alumnus_id: i64,
    ip: &str,
) -> AppResult<Result<(), Refusal>> {
    let mut tx = db.begin().await?;
    if let Proof::Code(code) = proof {
        match claims::consume_code(&mut tx, &code_hash(key, code), user.id).await {
            Ok(_) => {}
            Err(DbError::Stale) => return Ok(Err(Refusal::CodeUsed)),
            Err(e) => return Err(e.into()),
        }
    }
    let after = match claims::link(&mut tx, user.id, alumnus_id).await {
        Ok(u) => u,
        Err(DbError::Conflict(_)) => return Ok(Err(Refusal::AlreadyClaimed)),
        Err(e) => return Err(e.into()),
    };
    audit::append(
        &mut tx,
        Event {
            actor_id: Some(user.id),
            actor_label: &user.username,
            action: "alumni.claimed",
            entity: "alumni",
            entity_id: alumnus_id.to_string(),
            summary: serde_json::json!({
                "before": {"username": user.username, "alumnus_id": user.links.alumnus_id},
                "after": {"username": after.username, "alumnus_id": after.links.alumnus_id, "method": proof.method().label()},
            }),
            ip,
        },
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(Ok(()))
}

/// A signed-in alumnus without a record claims one. Failed attempts count towards the throttle
/// and are audited with how and why they failed (never the NIK or the code).
pub async fn claim(db: &Db, key: &Key, user: &User, proof: &Proof, ip: &str) -> AppResult<Claimed> {
    let method = proof.method();
    let (user_key, ip_key) = throttle_keys(user.id, ip);
    if let Admission::Throttled { wait, failures } = admit(db, &user_key, &ip_key).await? {
        audit::record(
            db,
            Event {
                summary: serde_json::json!({"method": method.as_str(), "wait_secs": wait, "failures": failures}),
                ..user_event(user, "alumni.claim_throttled", ip)
            },
        )
        .await?;
        return Ok(Claimed::Throttled(wait));
    }
    let outcome = match resolve(db, key, proof).await? {
        Ok(alumnus_id) => link(db, key, user, proof, alumnus_id, ip).await?,
        Err(refusal) => Err(refusal),
    };
    match outcome {
        Ok(()) => {
            sessions::clear_failures(db, &user_key).await?;
            Ok(Claimed::Linked)
        }
        // The counted attempt stays as the failure.
        Err(refusal) => {
            audit::record(
                db,
                Event {
                    summary: serde_json::json!({"method": method.as_str(), "reason": refusal.code()}),
                    ..user_event(user, "alumni.claim_failed", ip)
                },
            )
            .await?;
            Ok(Claimed::Refused(refusal))
        }
    }
}

// ---- an alumnus's own contact details ----

/// The villages an alumnus may choose: those of their record's kecamatan.
pub async fn desas_for(db: &Db, record: &OwnRecord) -> AppResult<Vec<Region>> {
    let Some(kecamatan) = &record.kecamatan_code else {
        return Ok(Vec::new());
    };
    Ok(regions::children(db, kecamatan)
        .await?
        .into_iter()
        .filter(|r| matches!(r.level, RegionLevel::Desa | RegionLevel::Kelurahan))
        .collect())
}

/// The contact form as typed.
pub struct ContactInput<'a> {
    pub phone: &'a str,
    pub address: &'a str,
    pub desa: &'a str,
}

/// What saving one's contact details did.
#[derive(Debug, PartialEq, Eq)]
pub enum ContactSaved {
    Unchanged,
    Saved,
    /// Saved, and the account's username followed the new number.
    NewNumber,
}

/// The alumnus changes their own phone, address and village. An account that signed itself up
/// is named by its number, so its username follows the number.
pub async fn update_contact(
    db: &Db,
    user: &User,
    alumnus_id: i64,
    input: &ContactInput<'_>,
    ip: &str,
) -> FormResult<ContactSaved> {
    let before = claims::own_record(db, alumnus_id).await?;
    let codes: Vec<String> = desas_for(db, &before)
        .await?
        .into_iter()
        .map(|r| r.code)
        .collect();
    let contact = Contact::parse(input.phone, input.address, input.desa, &codes)
        .map_err(FormError::Fields)?;
    let follows_number = user
        .phone
        .as_deref()
        .and_then(|p| Phone::parse(p).ok())
        .is_some_and(|p| p.wa_digits() == user.username);
    let username = if follows_number {
        phone_username(&contact.phone).as_str().to_owned()
    } else {
        user.username.clone()
    };
    let taken = || {
        FormError::field(
            "phone",
            "Nomor WhatsApp ini sudah dipakai akun lain. Pakai nomor Anda sendiri.",
        )
    };
    if claims::number_taken(db, &contact.phone, &username, Some(user.id)).await? {
        return Err(taken());
    }
    let mut before_json = before.contact_summary();
    let mut after_json = serde_json::json!({
        "phone": contact.phone.as_str(),
        "address": contact.address,
        "desa": contact.desa_code,
    });
    if before_json == after_json && user.phone.as_deref() == Some(contact.phone.as_str()) {
        return Ok(ContactSaved::Unchanged);
    }

    let mut tx = db.begin().await?;
    claims::update_contact(&mut tx, alumnus_id, &contact).await?;
    match claims::set_account_phone(&mut tx, user.id, &contact.phone, &username).await {
        Ok(_) => {}
        Err(e) if e.is_conflict(constraint::USERS_USERNAME) => return Err(taken()),
        Err(e) => return Err(e.into()),
    }
    if username != user.username {
        before_json["username"] = serde_json::json!(user.username);
        after_json["username"] = serde_json::json!(username);
    }
    audit::append(
        &mut tx,
        Event {
            actor_id: Some(user.id),
            actor_label: &user.username,
            action: "alumni.contact_updated",
            entity: "alumni",
            entity_id: alumnus_id.to_string(),
            summary: serde_json::json!({"before": before_json, "after": after_json}),
            ip,
        },
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(if username != user.username {
        ContactSaved::NewNumber
    } else {
        ContactSaved::Saved
    })
}

// ---- claim codes (agency staff) ----

/// Codes just made, each beside its alumnus, shown once.
pub struct IssuedCodes {
    pub codes: Vec<(claims::Holder, ClaimCode)>,
    /// When they stop working (Unix seconds).
    pub expires_at: i64,
}

/// Stores a fresh code for each alumnus (revoking their older live ones).
async fn issue_codes(
    tx: &mut crate::db::Tx,
    key: &Key,
    by: &Who<'_>,
    holders: Vec<claims::Holder>,
    batch_id: Option<i64>,
    expires_at: i64,
) -> AppResult<Vec<(claims::Holder, ClaimCode)>> {
    let admin_id = by.id.ok_or(AppError::Forbidden)?;
    let mut out = Vec::with_capacity(holders.len());
    for h in holders {
        let mut tries = 0;
        let code = loop {
            let code = ClaimCode::generate();
            let hash = code_hash(key, &code);
            if claims::issue_code(tx, h.id, batch_id, admin_id, &hash, expires_at).await? {
                break code;
            }
            tries += 1;
            if tries >= 5 {
                return Err(AppError::Internal(
                    "no free claim code after 5 tries".into(),
                ));
            }
        };
        out.push((h, code));
    }
    Ok(out)
}

/// Whether one alumnus got a code, or already has an account (its username).
pub enum CodeForAlumnus {
    Issued(IssuedCodes),
    AlreadyClaimed(String),
}

/// One new code for one alumnus, unless their record already belongs to an account.
pub async fn issue_code_for_alumnus(
    db: &Db,
    key: &Key,
    by: &Who<'_>,
    holder: claims::Holder,
) -> AppResult<CodeForAlumnus> {
    if let Some((_, username)) = claims::owner(db, holder.id).await? {
        return Ok(CodeForAlumnus::AlreadyClaimed(username));
    }
    let id = holder.id;
    let expires_at = now() + CODE_VALID_DAYS * 24 * 3600;
    let mut tx = db.begin().await?;
    let codes = issue_codes(&mut tx, key, by, vec![holder], None, expires_at).await?;
    audit::append(
        &mut tx,
        Event {
            actor_id: by.id,
            actor_label: by.label,
            action: "alumni.claim_code_issued",
            entity: "alumni",
            entity_id: id.to_string(),
            summary: serde_json::json!({"expires_at": expires_at}),
            ip: by.ip,
        },
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(CodeForAlumnus::Issued(IssuedCodes { codes, expires_at }))
}

/// A fresh code for every given (unclaimed) alumnus of a batch, in one transaction.
pub async fn issue_codes_for_batch(
    db: &Db,
    key: &Key,
    by: &Who<'_>,
    batch_id: i64,
    holders: Vec<claims::Holder>,
) -> AppResult<IssuedCodes> {
    let expires_at = now() + CODE_VALID_DAYS * 24 * 3600;
    let mut tx = db.begin().await?;
    let codes = issue_codes(&mut tx, key, by, holders, Some(batch_id), expires_at).await?;
    audit::append(
        &mut tx,
        Event {
            actor_id: by.id,
            actor_label: by.label,
            action: "alumni.claim_codes_issued",
            entity: "batch",
            entity_id: batch_id.to_string(),
            summary: serde_json::json!({
                "count": codes.len(),
                "alumni": codes.iter().map(|(h, _)| h.id).collect::<Vec<_>>(),
                "expires_at": expires_at,
            }),
            ip: by.ip,
        },
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(IssuedCodes { codes, expires_at })
}
