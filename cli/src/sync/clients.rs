//! The sync of the command line: the APIs `meterage-clients` was generated with, each
//! through a client configured from the environment.

use std::collections::BTreeMap;

use meterage_clients::cli::{client_from_env, APIS};
use meterage_runtime::describe::{Api, Args, OperationInfo, RunError, Sink};
use meterage_runtime::Client;

use super::{options, sync, Runner, Skipped, SyncError, SyncReport};

/// The generated clients, by API module name.
struct Clients(BTreeMap<&'static str, Client>);

impl Runner for Clients {
    async fn run<S: Sink>(
        &self,
        api: &'static Api,
        operation: &'static OperationInfo,
        args: &Args,
        sink: &mut S,
    ) -> Result<(), RunError<S::Error>> {
        let Some(client) = self.0.get(api.name) else {
            return Err(RunError::NoOperation(format!(
                "{}::{}",
                api.name, operation.name
            )));
        };
        meterage_clients::cli::run(api.name, client, operation.name, args, sink).await
    }
}

/// Runs `meterage sync` as `matches` (of [`command`](super::command)) ask: the APIs
/// named, or every API whose credentials are set in the environment.
///
/// # Errors
///
/// An unknown API, an API named whose credentials are missing or wrong, no API with
/// credentials, the database, or the listings that failed ([`SyncError::Failed`]).
pub async fn run(matches: &clap::ArgMatches) -> Result<SyncReport, SyncError> {
    let (options, named) = options(matches);
    let mut apis = Vec::new();
    let mut clients = BTreeMap::new();
    let mut incomplete = Vec::new();
    if named.is_empty() {
        for &api in APIS {
            match client_from_env(api.name) {
                Some(Ok(client)) => {
                    clients.insert(api.name, client);
                    apis.push(api);
                }
                // Some of its variables set, but not a way of signing in: say so.
                Some(Err(error)) if any_credential_set(api) => incomplete.push(Skipped {
                    table: api.name.replace('_', "-"),
                    reason: format!("its credentials in the environment do not work: {error}"),
                }),
                _ => {}
            }
        }
        if apis.is_empty() {
            let mut text = no_credentials();
            for skipped in &incomplete {
                text.push_str(&format!("\n{}: {}", skipped.table, skipped.reason));
            }
            return Err(SyncError::Usage(text));
        }
    } else {
        for name in &named {
            let Some(&api) = APIS.iter().find(|api| api.name == name) else {
                return Err(SyncError::Usage(format!(
                    "no API `{}`; the APIs are: {}",
                    name.replace('_', "-"),
                    kebab_names()
                )));
            };
            match client_from_env(api.name) {
                Some(Ok(client)) => {
                    if clients.insert(api.name, client).is_none() {
                        apis.push(api);
                    }
                }
                Some(Err(source)) => {
                    return Err(SyncError::Credentials {
                        api: name.replace('_', "-"),
                        source,
                    })
                }
                None => {
                    return Err(SyncError::Usage(format!(
                        "API `{}` is not compiled in",
                        name.replace('_', "-")
                    )))
                }
            }
        }
    }
    let with_incomplete = |mut report: SyncReport| {
        report.skipped.splice(0..0, incomplete.iter().cloned());
        report
    };
    match sync(&options, &apis, &Clients(clients)).await {
        Ok(report) => Ok(with_incomplete(report)),
        Err(SyncError::Failed(report)) => Err(SyncError::Failed(with_incomplete(report))),
        Err(error) => Err(error),
    }
}

/// Whether any variable of any way `api` signs in is set.
fn any_credential_set(api: &Api) -> bool {
    api.credentials
        .iter()
        .flat_map(|way| way.vars)
        .any(|var| std::env::var_os(var.name).is_some())
}

fn kebab_names() -> String {
    APIS.iter()
        .map(|api| api.name.replace('_', "-"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why nothing was synced when no API was named, with the variables each API reads.
fn no_credentials() -> String {
    let mut text = String::from(
        "no API has its credentials in the environment; set an API's variables, or name \
         the APIs to sync (`meterage sync kaopuyun`) to see what is missing:",
    );
    for api in APIS {
        let vars: Vec<String> = api
            .credentials
            .iter()
            .map(|way| {
                way.vars
                    .iter()
                    .filter(|var| var.required)
                    .map(|var| var.name)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        text.push_str(&format!(
            "\n  {}: {}",
            api.name.replace('_', "-"),
            vars.join(" | ")
        ));
    }
    text
}
