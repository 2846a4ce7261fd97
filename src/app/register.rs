//! The register: trades, programs, batches, alumni and their participation (with certificates)
//! kept by the agency, the audited reveal of a NIK, and the full-NIK export.
//!
//! Each change is one function: it checks the form against what is stored, opens the
//! transaction, writes the change with its before/after audit entry, and commits. A uniqueness
//! rule the storage enforces comes back as the form's message.

use crate::app::{AppError, AppResult, FormError, FormResult};
use crate::db::audit::{self, Event, Who};
use crate::db::register::{
    self, NewAlumnus, NewBatch, NewParticipation, NewProgram, ParticipationRow, StoredAlumnus,
};
use crate::db::{Db, DbError, Tx, constraint, regions};
use crate::domain::dates::to_iso;
use crate::domain::nik::Nik;
use crate::domain::region::Region;
use crate::domain::register::{
    AlumnusFields, AlumnusInput, BatchFields, BatchInput, NikChange, ParticipationFields,
    ParticipationInput, Places, ProgramFields, ProgramInput, TradeFields, TradeInput,
};
use crate::import::plan::normalise;
use crate::secrets::{Key, personal};

/// What saving an edit form did.
#[derive(Debug, PartialEq, Eq)]
pub enum Saved<T = ()> {
    /// The form matched what is stored: nothing written, nothing audited.
    Unchanged,
    Changed(T),
}

/// Appends a register change to the audit trail inside the change's own transaction.
async fn record_change(
    tx: &mut Tx,
    by: &Who<'_>,
    action: &str,
    entity: &str,
    id: i64,
    summary: serde_json::Value,
) -> AppResult<()> {
    audit::append(
        tx,
        Event {
            actor_id: by.id,
            actor_label: by.label,
            action,
            entity,
            entity_id: id.to_string(),
            summary,
            ip: by.ip,
        },
    )
    .await?;
    Ok(())
}

/// A stored form error of the storage's uniqueness rules, or the error itself.
fn on_conflict(e: DbError, constraint: &str, name: &'static str, message: String) -> FormError {
    if e.is_conflict(constraint) {
        FormError::field(name, message)
    } else {
        e.into()
    }
}

// ---- trades ----

fn trade_json(t: &TradeFields) -> serde_json::Value {
    serde_json::json!({"code": t.code, "name": t.name, "description": t.description})
}

/// The form's fields, or its messages: shape first, then a name another trade already has
/// (the importer tells trades apart by their normalised name).
async fn trade_fields(db: &Db, input: &TradeInput<'_>, id: Option<i64>) -> FormResult<TradeFields> {
    let fields = TradeFields::parse(input).map_err(FormError::Fields)?;
    let key = normalise(&fields.name);
    let taken = register::trades(db)
        .await?
        .into_iter()
        .any(|t| Some(t.id) != id && normalise(&t.name) == key);
    if taken {
        return Err(FormError::field(
            "name",
            "Kejuruan dengan nama ini sudah ada.",
        ));
    }
    Ok(fields)
}

fn trade_conflict(e: DbError) -> FormError {
    if e.is_conflict(constraint::TRADES_CODE) {
        FormError::field("code", "Kode ini sudah dipakai kejuruan lain.")
    } else {
        on_conflict(
            e,
            constraint::TRADES_NAME,
            "name",
            "Kejuruan dengan nama ini sudah ada.".into(),
        )
    }
}

/// Adds a trade; returns its id.
pub async fn create_trade(db: &Db, by: &Who<'_>, input: &TradeInput<'_>) -> FormResult<i64> {
    let fields = trade_fields(db, input, None).await?;
    let mut tx = db.begin().await?;
    let id = register::create_trade(&mut tx, &fields.code, &fields.name, &fields.description)
        .await
        .map_err(trade_conflict)?;
    record_change(
        &mut tx,
        by,
        "trade.create",
        "trade",
        id,
        serde_json::json!({"after": trade_json(&fields)}),
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(id)
}

/// Changes a trade.
pub async fn update_trade(
    db: &Db,
    by: &Who<'_>,
    id: i64,
    input: &TradeInput<'_>,
) -> FormResult<Saved> {
    let fields = trade_fields(db, input, Some(id)).await?;
    let mut tx = db.begin().await?;
    let before = register::trade_for_update(&mut tx, id).await?;
    let before = TradeFields {
        code: before.code,
        name: before.name,
        description: before.description,
    };
    if before == fields {
        return Ok(Saved::Unchanged);
    }
    register::update_trade(&mut tx, id, &fields.code, &fields.name, &fields.description)
        .await
        .map_err(trade_conflict)?;
    record_change(
        &mut tx,
        by,
        "trade.update",
        "trade",
        id,
        serde_json::json!({"before": trade_json(&before), "after": trade_json(&fields)}),
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(Saved::Changed(()))
}

// ---- programs ----

/// What the audit keeps of a program: its trade by name.
fn program_json(trade: &str, p: &ProgramFields, needs_review: bool) -> serde_json::Value {
    serde_json::json!({
        "trade": trade, "name": p.name, "hours": p.hours, "days": p.days,
        "competency_units": p.competency_units, "needs_review": needs_review,
    })
}

/// The form's fields and the trade's name, or its messages.
async fn program_fields(
    db: &Db,
    input: &ProgramInput<'_>,
    id: Option<i64>,
) -> FormResult<(ProgramFields, String)> {
    let fields = ProgramFields::parse(input).map_err(FormError::Fields)?;
    let trade = match register::trade(db.pool(), fields.trade_id).await {
        Ok(t) => t,
        Err(DbError::NotFound) => {
            return Err(FormError::field(
                "trade_id",
                "Kejuruan yang dipilih tidak ditemukan.",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let key = normalise(&fields.name);
    let taken = register::programs(db)
        .await?
        .into_iter()
        .any(|p| Some(p.id) != id && p.trade_id == fields.trade_id && normalise(&p.name) == key);
    if taken {
        return Err(FormError::field(
            "name",
            format!(
                "Kejuruan {} sudah punya program dengan nama ini.",
                trade.name
            ),
        ));
    }
    Ok((fields, trade.name))
}

fn program_conflict(e: DbError) -> FormError {
    on_conflict(
        e,
        constraint::PROGRAMS_TRADE_NAME,
        "name",
        "Kejuruan ini sudah punya program dengan nama ini.".into(),
    )
}

fn new_program(f: &ProgramFields) -> NewProgram<'_> {
    NewProgram {
        trade_id: f.trade_id,
        name: &f.name,
        hours: f.hours,
        days: f.days,
        competency_units: &f.competency_units,
    }
}

/// Adds a training program; returns its trade's id.
pub async fn create_program(db: &Db, by: &Who<'_>, input: &ProgramInput<'_>) -> FormResult<i64> {
    let (fields, trade) = program_fields(db, input, None).await?;
    let mut tx = db.begin().await?;
    let id = register::create_program(&mut tx, &new_program(&fields))
        .await
        .map_err(program_conflict)?;
    record_change(
        &mut tx,
        by,
        "program.create",
        "program",
        id,
        serde_json::json!({"after": program_json(&trade, &fields, false)}),
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(fields.trade_id)
}

/// Changes (or completes, when an import created it) a training program; a change returns its
/// trade's id.
pub async fn update_program(
    db: &Db,
    by: &Who<'_>,
    id: i64,
    input: &ProgramInput<'_>,
) -> FormResult<Saved<i64>> {
    let (fields, trade) = program_fields(db, input, Some(id)).await?;
    let mut tx = db.begin().await?;
    let before = register::program_for_update(&mut tx, id).await?;
    let before_fields = ProgramFields {
        trade_id: before.trade_id,
        name: before.name.clone(),
        hours: before.hours,
        days: before.days,
        competency_units: before.competency_units.clone(),
    };
    if before_fields == fields && !before.needs_review {
        return Ok(Saved::Unchanged);
    }
    register::update_program(&mut tx, id, &new_program(&fields))
        .await
        .map_err(program_conflict)?;
    record_change(
        &mut tx,
        by,
        "program.update",
        "program",
        id,
        serde_json::json!({
            "before": program_json(&before.trade, &before_fields, before.needs_review),
            "after": program_json(&trade, &fields, false),
        }),
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(Saved::Changed(fields.trade_id))
}

// ---- batches ----

/// The form's fields and the program's name with its trade, or its messages.
async fn batch_fields(db: &Db, input: &BatchInput<'_>) -> FormResult<(BatchFields, String)> {
    let fields = BatchFields::parse(input).map_err(FormError::Fields)?;
    match register::program(db.pool(), fields.program_id).await {
        Ok(p) => Ok((fields, format!("{} ({})", p.name, p.trade))),
        Err(DbError::NotFound) => Err(FormError::field(
            "program_id",
            "Program yang dipilih tidak ditemukan.",
        )),
        Err(e) => Err(e.into()),
    }
}

fn batch_conflict(e: DbError, f: &BatchFields) -> FormError {
    on_conflict(
        e,
        constraint::BATCHES_PROGRAM_YEAR_NUMBER,
        "number",
        format!(
            "Program ini sudah punya angkatan ke-{} tahun {}.",
            f.number, f.year
        ),
    )
}

/// A batch's dates as stored.
struct Stored {
    start: String,
    end: String,
}

fn new_batch<'a>(f: &'a BatchFields, dates: &'a Stored) -> NewBatch<'a> {
    NewBatch {
        program_id: f.program_id,
        year: f.year,
        number: f.number,
        start_date: &dates.start,
        end_date: &dates.end,
        place: &f.place,
        funding: f.funding.as_str(),
        capacity: f.capacity,
        instructor: &f.instructor,
    }
}

/// What the audit keeps of a batch: its program by name.
fn batch_json(program: &str, b: &NewBatch<'_>, needs_review: bool) -> serde_json::Value {
    serde_json::json!({
        "program": program, "year": b.year, "number": b.number,
        "start_date": b.start_date, "end_date": b.end_date, "place": b.place,
        "funding": b.funding, "capacity": b.capacity, "instructor": b.instructor,
        "needs_review": needs_review,
    })
}

/// Adds a batch; returns its id.
pub async fn create_batch(db: &Db, by: &Who<'_>, input: &BatchInput<'_>) -> FormResult<i64> {
    let (fields, program) = batch_fields(db, input).await?;
    let dates = Stored {
        start: to_iso(fields.start_date),
        end: to_iso(fields.end_date),
    };
    let batch = new_batch(&fields, &dates);
    let mut tx = db.begin().await?;
    let id = register::create_batch(&mut tx, &batch)
        .await
        .map_err(|e| batch_conflict(e, &fields))?;
    record_change(
        &mut tx,
        by,
        "batch.create",
        "batch",
        id,
        serde_json::json!({"after": batch_json(&program, &batch, false)}),
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(id)
}

/// Changes a batch. A change says whether it completed a batch an import created
/// (`Changed(true)`: its `needs_review` mark is cleared).
pub async fn update_batch(
    db: &Db,
    by: &Who<'_>,
    id: i64,
    input: &BatchInput<'_>,
) -> FormResult<Saved<bool>> {
    let (fields, program) = batch_fields(db, input).await?;
    let dates = Stored {
        start: to_iso(fields.start_date),
        end: to_iso(fields.end_date),
    };
    let after = new_batch(&fields, &dates);
    let mut tx = db.begin().await?;
    let before = register::batch_for_update(&mut tx, id).await?;
    let before_batch = NewBatch {
        program_id: before.program_id,
        year: before.year,
        number: before.number,
        start_date: &before.start_date,
        end_date: &before.end_date,
        place: &before.place,
        funding: &before.funding,
        capacity: before.capacity,
        instructor: &before.instructor,
    };
    let before_program = format!("{} ({})", before.program, before.trade);
    let before_json = batch_json(&before_program, &before_batch, before.needs_review);
    let after_json = batch_json(&program, &after, false);
    if before_json == after_json {
        return Ok(Saved::Unchanged);
    }
    register::update_batch(&mut tx, id, &after)
        .await
        .map_err(|e| batch_conflict(e, &fields))?;
    record_change(
        &mut tx,
        by,
        "batch.update",
        "batch",
        id,
        serde_json::json!({"before": before_json, "after": after_json}),
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(Saved::Changed(before.needs_review))
}

// ---- alumni ----

/// The instance's kecamatan and the desa/kelurahan under them.
pub struct Regions {
    pub kecamatan: Vec<Region>,
    pub desa: Vec<Region>,
}

impl Regions {
    pub async fn load(db: &Db, kabupaten: &[String]) -> AppResult<Regions> {
        Ok(Regions {
            kecamatan: regions::kecamatan_of(db, kabupaten).await?,
            desa: register::desa_of(db, kabupaten).await?,
        })
    }

    fn places(&self) -> Places<'_> {
        Places {
            kecamatan: &self.kecamatan,
            desa: &self.desa,
        }
    }

    fn name(&self, code: Option<&str>) -> Option<String> {
        let code = code?;
        Some(
            self.kecamatan
                .iter()
                .chain(&self.desa)
                .find(|r| r.code == code)
                .map_or_else(|| code.to_owned(), |r| r.name.clone()),
        )
    }
}

/// A sealed NIK, masked for the screen or the audit (nothing when none is stored or it does not
/// open).
pub fn masked_nik(key: &Key, sealed: Option<&str>) -> Option<String> {
    sealed
        .and_then(|s| personal::open(key, s))
        .and_then(|plain| Nik::parse(&plain).ok())
        .map(|n| n.masked())
}

/// A record as stored: the NIK sealed and hashed the way the importer looks it up.
struct Record {
    full_name: String,
    gender: &'static str,
    birth_place: String,
    birth_date: Option<String>,
    nik_enc: Option<String>,
    nik_hmac: Option<String>,
    /// For the audit: masked.
    nik_masked: Option<String>,
    phone: Option<String>,
    address: String,
    kecamatan_code: Option<String>,
    desa_code: Option<String>,
    education: String,
}

impl Record {
    fn new_alumnus(&self) -> NewAlumnus<'_> {
        NewAlumnus {
            full_name: &self.full_name,
            gender: self.gender,
            birth_place: &self.birth_place,
            birth_date: self.birth_date.as_deref(),
            nik_enc: self.nik_enc.clone(),
            nik_hmac: self.nik_hmac.clone(),
            phone: self.phone.as_deref(),
            address: &self.address,
            kecamatan_code: self.kecamatan_code.as_deref(),
            desa_code: self.desa_code.as_deref(),
            education: &self.education,
        }
    }

    fn json(&self, regions: &Regions) -> serde_json::Value {
        serde_json::json!({
            "full_name": self.full_name, "gender": self.gender, "birth_place": self.birth_place,
            "birth_date": self.birth_date, "nik": self.nik_masked, "phone": self.phone,
            "address": self.address, "kecamatan": regions.name(self.kecamatan_code.as_deref()),
            "desa": regions.name(self.desa_code.as_deref()), "education": self.education,
        })
    }
}

fn stored_json(key: &Key, a: &StoredAlumnus, regions: &Regions) -> serde_json::Value {
    serde_json::json!({
        "full_name": a.full_name, "gender": a.gender, "birth_place": a.birth_place,
        "birth_date": a.birth_date, "nik": masked_nik(key, a.nik_enc.as_deref()), "phone": a.phone,
        "address": a.address, "kecamatan": regions.name(a.kecamatan_code.as_deref()),
        "desa": regions.name(a.desa_code.as_deref()), "education": a.education,
    })
}

/// Parses the form into the record to store, keeping (or removing) the stored NIK as asked.
async fn alumnus_record(
    db: &Db,
    key: &Key,
    regions: &Regions,
    input: &AlumnusInput<'_>,
    current: Option<&StoredAlumnus>,
    today: time::Date,
) -> FormResult<Record> {
    let fields =
        AlumnusFields::parse(input, &regions.places(), today).map_err(FormError::Fields)?;
    let (nik_enc, nik_hmac) = match (&fields.nik, current) {
        (NikChange::Set(n), Some(c))
            if c.nik_hmac.as_deref() == Some(&personal::keyed_hash(key, n.as_str())) =>
        {
            (c.nik_enc.clone(), c.nik_hmac.clone())
        }
        (NikChange::Set(n), _) => (
            Some(personal::seal(key, n.as_str())),
            Some(personal::keyed_hash(key, n.as_str())),
        ),
        (NikChange::Keep, Some(c)) => (c.nik_enc.clone(), c.nik_hmac.clone()),
        (NikChange::Keep, None) | (NikChange::Remove, _) => (None, None),
    };
    let birth_date = fields.birth_date.map(to_iso);
    // Without a NIK the importer knows a person by name and birth date: two such records
    // would be one person to it.
    if nik_hmac.is_none() {
        let name = normalise(&fields.full_name);
        let twins =
            register::alumni_without_nik_born(db, birth_date.as_deref(), current.map(|c| c.id))
                .await?;
        if let Some((other, _)) = twins.iter().find(|(_, n)| normalise(n) == name) {
            return Err(FormError::field(
                "full_name",
                format!(
                    "Sudah ada alumni tanpa NIK dengan nama dan tanggal lahir ini (data nomor {other}). \
                     Isi NIK untuk membedakannya, atau ubah data alumni tersebut."
                ),
            ));
        }
    }
    Ok(Record {
        nik_masked: match &fields.nik {
            NikChange::Set(n) => Some(n.masked()),
            NikChange::Keep => current.and_then(|c| masked_nik(key, c.nik_enc.as_deref())),
            NikChange::Remove => None,
        },
        full_name: fields.full_name,
        gender: fields.gender.as_str(),
        birth_place: fields.birth_place,
        birth_date,
        nik_enc,
        nik_hmac,
        phone: fields.phone.map(|p| p.as_str().to_owned()),
        address: fields.address,
        kecamatan_code: fields.kecamatan_code,
        desa_code: fields.desa_code,
        education: fields.education,
    })
}

fn nik_conflict(e: DbError) -> FormError {
    on_conflict(
        e,
        constraint::ALUMNI_NIK_HMAC,
        "nik",
        "NIK ini sudah terdaftar untuk alumni lain.".into(),
    )
}

/// Where an alumnus is entered: the key that seals NIKs, the instance's regions, and today (for
/// the birth date's plausibility).
pub struct AlumnusContext<'a> {
    pub key: &'a Key,
    pub regions: &'a Regions,
    pub today: time::Date,
}

/// Adds an alumnus; returns the record's id.
pub async fn create_alumnus(
    db: &Db,
    by: &Who<'_>,
    cx: &AlumnusContext<'_>,
    input: &AlumnusInput<'_>,
) -> FormResult<i64> {
    let record = alumnus_record(db, cx.key, cx.regions, input, None, cx.today).await?;
    let mut tx = db.begin().await?;
    let id = register::create_alumnus(&mut tx, &record.new_alumnus())
        .await
        .map_err(nik_conflict)?;
    record_change(
        &mut tx,
        by,
        "alumni.create",
        "alumni",
        id,
        serde_json::json!({"after": record.json(cx.regions)}),
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(id)
}

/// Changes an alumnus's record. `Stale` when someone else changed it since this request read
/// it (the caller shows the record as it is now).
pub async fn update_alumnus(
    db: &Db,
    by: &Who<'_>,
    cx: &AlumnusContext<'_>,
    id: i64,
    input: &AlumnusInput<'_>,
) -> FormResult<Saved> {
    let current = register::stored_alumnus(db.pool(), id).await?;
    let record = alumnus_record(db, cx.key, cx.regions, input, Some(&current), cx.today).await?;
    let mut tx = db.begin().await?;
    let before = register::alumnus_for_update(&mut tx, id).await?;
    if before != current {
        return Err(AppError::Stale.into());
    }
    let before_json = stored_json(cx.key, &before, cx.regions);
    let after_json = record.json(cx.regions);
    if before_json == after_json && before.nik_hmac == record.nik_hmac {
        return Ok(Saved::Unchanged);
    }
    register::update_alumnus(&mut tx, id, &record.new_alumnus())
        .await
        .map_err(nik_conflict)?;
    record_change(
        &mut tx,
        by,
        "alumni.update",
        "alumni",
        id,
        serde_json::json!({"before": before_json, "after": after_json}),
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(Saved::Changed(()))
}

// ---- participation in batches ----

/// A participation as stored, with its batch's label for the audit.
struct Taking {
    batch_id: i64,
    batch: String,
    result: Option<&'static str>,
    competency: Option<&'static str>,
    cert_number: Option<String>,
    cert_issuer: Option<String>,
    cert_date: Option<String>,
    cert_expiry: Option<String>,
    placement: &'static str,
}

impl Taking {
    fn new_participation(&self, alumnus_id: i64) -> NewParticipation<'_> {
        NewParticipation {
            alumnus_id,
            batch_id: self.batch_id,
            result: self.result,
            competency: self.competency,
            cert_number: self.cert_number.as_deref(),
            cert_issuer: self.cert_issuer.as_deref(),
            cert_date: self.cert_date.as_deref(),
            placement: self.placement,
        }
    }

    fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "batch": self.batch, "result": self.result, "competency": self.competency,
            "cert_number": self.cert_number, "cert_issuer": self.cert_issuer,
            "cert_date": self.cert_date, "cert_expiry": self.cert_expiry, "placement": self.placement,
        })
    }
}

fn row_json(p: &ParticipationRow) -> serde_json::Value {
    serde_json::json!({
        "batch": p.batch_label(), "result": p.result, "competency": p.competency,
        "cert_number": p.cert_number, "cert_issuer": p.cert_issuer,
        "cert_date": p.cert_date, "cert_expiry": p.cert_expiry, "placement": p.placement,
    })
}

async fn taking(db: &Db, input: &ParticipationInput<'_>) -> FormResult<Taking> {
    let f = ParticipationFields::parse(input).map_err(FormError::Fields)?;
    let batch = match register::batch(db.pool(), f.batch_id).await {
        Ok(b) => b,
        Err(DbError::NotFound) => {
            return Err(FormError::field(
                "batch_id",
                "Angkatan yang dipilih tidak ditemukan.",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    Ok(Taking {
        batch_id: batch.id,
        batch: batch.label(),
        result: f.result.map(|r| r.as_str()),
        competency: f.competency.map(|c| c.as_str()),
        cert_number: f.cert_number,
        cert_issuer: f.cert_issuer,
        cert_date: f.cert_date.map(to_iso),
        cert_expiry: f.cert_expiry.map(to_iso),
        placement: f.placement.as_str(),
    })
}

fn participation_conflict(e: DbError) -> FormError {
    on_conflict(
        e,
        constraint::PARTICIPATIONS_ALUMNUS_BATCH,
        "batch_id",
        "Alumni ini sudah tercatat di angkatan tersebut; ubah data pelatihan yang ada.".into(),
    )
}

/// Records that an alumnus took part in a batch (with result and certificate).
pub async fn create_participation(
    db: &Db,
    by: &Who<'_>,
    alumnus_id: i64,
    input: &ParticipationInput<'_>,
) -> FormResult<()> {
    register::stored_alumnus(db.pool(), alumnus_id).await?;
    let taking = taking(db, input).await?;
    let mut tx = db.begin().await?;
    let id = register::add_participation(&mut tx, &taking.new_participation(alumnus_id))
        .await
        .map_err(participation_conflict)?;
    if taking.cert_expiry.is_some() {
        register::set_cert_expiry(&mut tx, id, taking.cert_expiry.as_deref()).await?;
    }
    record_change(
        &mut tx,
        by,
        "participation.create",
        "alumni",
        alumnus_id,
        serde_json::json!({"after": taking.json()}),
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(())
}

/// Changes one participation of an alumnus.
pub async fn update_participation(
    db: &Db,
    by: &Who<'_>,
    alumnus_id: i64,
    id: i64,
    input: &ParticipationInput<'_>,
) -> FormResult<Saved> {
    register::stored_alumnus(db.pool(), alumnus_id).await?;
    register::participation(db.pool(), alumnus_id, id).await?;
    let taking = taking(db, input).await?;
    let mut tx = db.begin().await?;
    let before = register::participation_for_update(&mut tx, alumnus_id, id).await?;
    let (before_json, after_json) = (row_json(&before), taking.json());
    if before_json == after_json {
        return Ok(Saved::Unchanged);
    }
    let new = taking.new_participation(alumnus_id);
    register::update_participation(&mut tx, id, &new, taking.cert_expiry.as_deref())
        .await
        .map_err(participation_conflict)?;
    record_change(
        &mut tx,
        by,
        "participation.update",
        "alumni",
        alumnus_id,
        serde_json::json!({"before": before_json, "after": after_json}),
    )
    .await?;
    crate::db::commit(tx).await?;
    Ok(Saved::Changed(()))
}

// ---- who sees a full NIK ----

/// Records that an admin is shown one alumnus's full NIK (the record must exist).
pub async fn reveal_nik(db: &Db, by: &Who<'_>, id: i64) -> AppResult<()> {
    register::alumnus_record(db, id).await?;
    audit::record(
        db,
        Event {
            actor_id: by.id,
            actor_label: by.label,
            action: "alumni.nik_revealed",
            entity: "alumni",
            entity_id: id.to_string(),
            summary: serde_json::json!({}),
            ip: by.ip,
        },
    )
    .await?;
    Ok(())
}

/// Records that an admin downloaded the alumni list with full NIKs, with the filters used.
pub async fn record_full_nik_export(
    db: &Db,
    by: &Who<'_>,
    filters: serde_json::Value,
) -> AppResult<()> {
    audit::record(
        db,
        Event {
            actor_id: by.id,
            actor_label: by.label,
            action: "alumni.export_full_nik",
            entity: "alumni",
            entity_id: "*".into(),
            summary: filters,
            ip: by.ip,
        },
    )
    .await?;
    Ok(())
}
