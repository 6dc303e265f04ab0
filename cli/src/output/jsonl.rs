//! JSON Lines: each record as the generated type serializes it (the vendor's wire names,
//! decimals with their exact digits), one per line.

use std::io::Write;

use serde::Serialize;

use super::{flush, Out, OutputError};
use crate::record::RecordError;

pub(super) struct JsonLines {
    out: Out,
    name: String,
}

impl JsonLines {
    pub(super) fn new((out, name): (Out, String)) -> Self {
        Self { out, name }
    }

    pub(super) fn record<T: Serialize>(&mut self, record: &T) -> Result<(), OutputError> {
        serde_json::to_writer(&mut self.out, record).map_err(|error| {
            if error.is_io() {
                OutputError::Io {
                    target: self.name.clone(),
                    source: error.into(),
                }
            } else {
                RecordError::from(error).into()
            }
        })?;
        self.out
            .write_all(b"\n")
            .map_err(OutputError::io(&self.name))
    }

    pub(super) fn finish(self) -> Result<(), OutputError> {
        flush(self.out, &self.name)
    }
}
