//! What every example does around its `run`: the process exit code, and the error on
//! stderr.

use std::process::ExitCode;

/// Success, or the error on stderr and a failure exit code.
pub fn exit(outcome: Result<(), Box<dyn std::error::Error>>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
