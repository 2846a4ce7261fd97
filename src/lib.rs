//! Karya: a marketplace and capital register for vocational-training (BLK) alumni.
//!
//! Layers: `web` (handlers: parse, call one use case, render with `views`) → `app` (use cases:
//! transaction, domain, storage, audit, notifications) → `domain` (pure rules and types) and
//! `db` (the only place SQL lives). `routes` lists every route with its permission; `startup`
//! builds the app, `server` serves it. ARCHITECTURE.md is the map.

pub mod app;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod export;
pub mod import;
pub mod media;
pub mod ocds;
pub mod outbox;
pub mod pdf;
pub mod routes;
pub mod search;
pub mod secrets;
pub mod server;
pub mod simulate;
pub mod startup;
pub mod views;
pub mod web;
