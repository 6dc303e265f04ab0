//! The `meterage` binary: the command line over every API `meterage-clients` was
//! generated with (`meterage_clients::cli`).

use std::process::ExitCode;

fn main() -> ExitCode {
    meterage_cli::app::main(&meterage_cli::apis::Generated, std::env::args_os())
}
