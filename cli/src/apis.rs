//! [`Apis`]: where the command line finds its APIs. The binary's implementation is
//! `meterage_clients::cli` (every API the generated crate was built with); tests give
//! hand-written descriptors.

use std::future::Future;

use meterage_runtime::describe::{Api, Args, OperationInfo, RunError, Sink};
use meterage_runtime::{Client, Error};

/// The APIs a command line offers, and how to reach them.
pub trait Apis {
    /// Every API, in module-name order.
    fn apis(&self) -> &'static [&'static Api];

    /// A client of API `api` (module name) configured from the environment; `None` for
    /// an unknown API.
    fn client_from_env(&self, api: &str) -> Option<Result<Client, Error>>;

    /// Runs `operation` (the client method's name) of API `api` on `client` with
    /// `args`, giving its records to `sink`.
    fn run<S: Sink>(
        &self,
        api: &str,
        client: &Client,
        operation: &str,
        args: &Args,
        sink: &mut S,
    ) -> impl Future<Output = Result<(), RunError<S::Error>>>;

    /// The API whose module name is `name`.
    fn api(&self, name: &str) -> Option<&'static Api> {
        self.apis().iter().copied().find(|api| api.name == name)
    }

    /// Operation `operation` of API `api`.
    fn operation(
        &self,
        api: &str,
        operation: &str,
    ) -> Option<(&'static Api, &'static OperationInfo)> {
        let api = self.api(api)?;
        Some((api, api.operation(operation)?))
    }
}

/// The APIs `meterage-clients` was generated with (`meterage_clients::cli`): what the
/// binary offers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Generated;

impl Apis for Generated {
    fn apis(&self) -> &'static [&'static Api] {
        meterage_clients::cli::APIS
    }

    fn client_from_env(&self, api: &str) -> Option<Result<Client, Error>> {
        meterage_clients::cli::client_from_env(api)
    }

    async fn run<S: Sink>(
        &self,
        api: &str,
        client: &Client,
        operation: &str,
        args: &Args,
        sink: &mut S,
    ) -> Result<(), RunError<S::Error>> {
        meterage_clients::cli::run(api, client, operation, args, sink).await
    }
}

/// `snake_case` → `kebab-case` (module, method and setter names on the command line).
pub fn kebab(name: &str) -> String {
    name.replace('_', "-")
}

/// The environment variable holding secret parameter `param` of API `api`
/// (`METERAGE_PLCLOUD_PASSWORD`): a secret never comes from a flag.
pub fn secret_var(api: &str, param: &str) -> String {
    format!("METERAGE_{}_{}", api, param).to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_turn_kebab_and_secret_variables_upper_snake() {
        assert_eq!(kebab("describe_flow_bills"), "describe-flow-bills");
        assert_eq!(kebab("kaopuyun"), "kaopuyun");
        assert_eq!(
            secret_var("huawei_gsl", "password"),
            "METERAGE_HUAWEI_GSL_PASSWORD"
        );
    }
}
