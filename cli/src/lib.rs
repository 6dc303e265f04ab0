//! `meterage`, the command line: every operation of every API that `meterage-clients`
//! was generated with, as `meterage API OPERATION [--PARAM VALUE]...`, its records
//! written as JSON Lines, CSV, a table or Parquet; and `meterage sync`, which keeps a
//! SQLite database of every record of every listing, exactly once and resumable.
//!
//! Nothing here names a vendor: the commands, their flags and help, the record columns,
//! the record keys and the periods all come from the generated descriptors
//! (`meterage_clients::cli`, [`meterage_runtime::describe`]).

pub mod apis;
pub mod app;
pub mod commands;
pub mod errors;
pub mod focus_check;
pub mod invoke;
pub mod list;
pub mod output;
pub mod period;
pub mod profile;
pub mod progress;
pub mod record;
pub mod sync;
#[cfg(test)]
mod testing;
