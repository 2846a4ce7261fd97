//! Pure domain logic: no HTTP, no SQL. Types here validate on construction.

pub mod audit;
pub mod claim;
pub mod dates;
pub mod form;
pub mod import;
pub mod nik;
pub mod nip;
pub mod order;
pub mod password;
pub mod phone;
pub mod policy;
pub mod procurement;
pub mod qris;
pub mod region;
pub mod register;
pub mod rupiah;
pub mod storefront;
pub mod throttle;
pub mod user;
pub mod whatsapp;
