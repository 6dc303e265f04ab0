//! The `meterage` binary: the command line over every API `meterage-clients` was
//! generated with (`meterage_clients::cli`).

use std::process::ExitCode;

use meterage_cli::apis::Apis;
use meterage_clients::cli;
use meterage_runtime::describe::{Api, Args, RunError, Sink};
use meterage_runtime::{Client, Error};

/// The generated APIs.
struct Generated;

impl Apis for Generated {
    fn apis(&self) -> &'static [&'static Api] {
        cli::APIS
    }

    fn client_from_env(&self, api: &str) -> Option<Result<Client, Error>> {
        cli::client_from_env(api)
    }

    async fn run<S: Sink>(
        &self,
        api: &str,
        client: &Client,
        operation: &str,
        args: &Args,
        sink: &mut S,
    ) -> Result<(), RunError<S::Error>> {
        cli::run(api, client, operation, args, sink).await
    }
}

fn main() -> ExitCode {
    meterage_cli::app::main(&Generated, std::env::args_os())
}
