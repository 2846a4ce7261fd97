//! The register: trades, programs, batches, alumni and certificates kept by the agency.
