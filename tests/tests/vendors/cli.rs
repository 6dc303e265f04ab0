//! `meterage_clients::cli` (cargo feature `cli`): `run` sets an operation's parameters
//! from text and gives a sink exactly the records the typed `items()` stream yields, for
//! each paging style a vendor fake pages by (the offset style is the paging fixture's,
//! in `paging.rs`) and for an unpaged listing's records field (`x-records`); an argument that does not read is refused naming its parameter,
//! before anything is sent.

use std::ops::ControlFlow;

use meterage_clients::azure_consumption::Client as AzureClient;
use meterage_clients::kaopuyun::types::ProductType;
use meterage_clients::plcloud::{self, types::ResourceType};
use meterage_clients::runtime::describe::{Args, Flow, PageInfo, RunError, Sink};
use meterage_clients::runtime::{Error, Stream, TryStreamExt};
use meterage_clients::{aliyun_bss, cli, kaopuyun};
use meterage_tests::{aliyun, azure, kaopuyun as kaopuyun_fake, plcloud as plcloud_fake};
use serde::Serialize;
use serde_json::Value;

use crate::cases::aliyun::{aliyun_signature, CYCLE};
use crate::support::{access_key, client, kaopuyun_key, plcloud_login, serve};

/// A sink that keeps what it is given: each page's description, then every record as
/// JSON.
#[derive(Debug, Default)]
pub struct Recorder {
    /// Each page's cursor, index, record count and total, in order.
    pub pages: Vec<(Option<String>, u64, usize, Option<u64>)>,
    /// Every record, as JSON.
    pub records: Vec<Value>,
}

impl Sink for Recorder {
    type Error = serde_json::Error;

    fn page(&mut self, page: &PageInfo<'_>) -> Result<Flow, Self::Error> {
        self.pages
            .push((page.cursor.clone(), page.index, page.records, page.total));
        Ok(ControlFlow::Continue(()))
    }

    fn record<T: Serialize>(&mut self, record: &T) -> Result<Flow, Self::Error> {
        self.records.push(serde_json::to_value(record)?);
        Ok(ControlFlow::Continue(()))
    }
}

/// `records` as JSON, as the recorder keeps them.
fn json_of<T: Serialize>(records: &[T]) -> Vec<Value> {
    records
        .iter()
        .map(|record| serde_json::to_value(record).expect("records serialize"))
        .collect()
}

/// Every record `items` yields, as JSON, as the recorder keeps them.
pub async fn records_of<T: Serialize>(items: impl Stream<Item = Result<T, Error>>) -> Vec<Value> {
    let items: Vec<T> = items.try_collect().await.expect("every record");
    json_of(&items)
}

/// Arguments from `(setter, value)` pairs.
pub fn args(pairs: &[(&str, &str)]) -> Args {
    let mut args = Args::new();
    for (name, value) in pairs {
        args.push(*name, *value);
    }
    args
}

/// Runs `operation` of `api` through `meterage_clients::cli::run` into a recorder.
async fn run(
    api: &str,
    client: &meterage_clients::runtime::Client,
    operation: &str,
    args: &Args,
) -> Result<Recorder, RunError<serde_json::Error>> {
    let mut recorder = Recorder::default();
    cli::run(api, client, operation, args, &mut recorder).await?;
    Ok(recorder)
}

/// The recorder of a run that succeeds, with arguments `pairs`.
async fn recorded(
    api: &str,
    client: &meterage_clients::runtime::Client,
    operation: &str,
    pairs: &[(&str, &str)],
) -> Recorder {
    let args = args(pairs);
    run(api, client, operation, &args).await.expect("a run")
}

#[tokio::test]
async fn page_numbers_give_the_records_of_items() {
    let (server, client): (_, kaopuyun::Client) =
        serve(kaopuyun_fake::start(), kaopuyun_key(kaopuyun_fake::KEY)).await;
    let bills = client.describe_flow_bills();
    let typed = records_of(bills.product_type(ProductType::OwnEcs).page_size(4).items()).await;
    let sent = server.log.requests().len();
    let args = args(&[("product_type", "OWN_ECS"), ("page_size", "4")]);
    let run = run("kaopuyun", client.runtime(), "describe_flow_bills", &args)
        .await
        .expect("a run");
    assert_eq!(typed.len(), 19);
    assert_eq!(run.records, typed);
    // Five pages of at most four, each asked by its number, the vendor's total on each.
    let pages: Vec<_> = run
        .pages
        .iter()
        .map(|p| (p.0.as_deref(), p.1, p.2))
        .collect();
    assert_eq!(
        pages,
        [
            (Some("1"), 1, 4),
            (Some("2"), 2, 4),
            (Some("3"), 3, 4),
            (Some("4"), 4, 4),
            (Some("5"), 5, 3)
        ]
    );
    assert!(run.pages.iter().all(|p| p.3 == Some(19)));
    assert_eq!(server.log.requests().len(), 2 * sent);
}

#[tokio::test]
async fn cursors_give_the_records_of_items() {
    let (_server, client): (_, aliyun_bss::Client) = serve(
        aliyun::start(),
        aliyun_signature(access_key(aliyun::KEYS.key)),
    )
    .await;
    let typed = records_of(client.describe_instance_bill(CYCLE).max_results(7).items()).await;
    let run = recorded(
        "aliyun_bss",
        client.runtime(),
        "describe_instance_bill",
        &[("billing_cycle", CYCLE), ("max_results", "7")],
    )
    .await;
    assert!(typed.len() > 7, "more than one page: {}", typed.len());
    assert_eq!(run.records, typed);
    // The first page is asked without a token, every later one with the token before.
    assert_eq!(run.pages[0].0, None);
    assert!(run.pages[1..].iter().all(|p| p.0.is_some()));
    assert_eq!(run.pages.iter().map(|p| p.2).sum::<usize>(), typed.len());
}

#[tokio::test]
async fn next_links_give_the_records_of_items() {
    let arm = azure::start().await;
    let entra = azure::start_entra(&arm).await;
    let login = meterage_clients::azure_consumption::auth::azure_auth_login(
        meterage_clients::runtime::auth::ClientCredentials {
            tenant: Some(azure::TENANT_DOMAIN.into()),
            client_id: azure::CLIENT.0.into(),
            client_secret: azure::CLIENT.1.into(),
        },
    )
    .authority_host(entra.base_url());
    let client: AzureClient = client(&arm, login);
    let scope = format!("/subscriptions/{}/", azure::SUBSCRIPTION_ID);
    let typed = records_of(client.usage_details_list(scope.clone()).top(20).items()).await;
    let run = recorded(
        "azure_consumption",
        client.runtime(),
        "usage_details_list",
        &[("scope", scope.as_str()), ("top", "20")],
    )
    .await;
    assert!(typed.len() > 20, "more than one page: {}", typed.len());
    assert_eq!(run.records, typed);
    // Pages follow links: no cursor parameter says where one starts.
    assert!(run.pages.iter().all(|p| p.0.is_none()), "{:?}", run.pages);
}

#[tokio::test]
async fn an_unpaged_listing_gives_the_records_of_its_records_field() {
    let (_server, client): (_, plcloud::Client) =
        serve(plcloud_fake::start(), plcloud_login()).await;
    let typed = client
        .get_consumptions_by_query()
        .r#type(ResourceType::Instance)
        .send()
        .await
        .expect("records");
    let run = recorded(
        "plcloud",
        client.runtime(),
        "get_consumptions_by_query",
        &[("type", "instance")],
    )
    .await;
    assert!(!typed.data.is_empty());
    assert_eq!(run.records, json_of(&typed.data));
    assert!(run.pages.is_empty(), "an unpaged answer has no pages");
}

#[tokio::test]
async fn a_bad_argument_is_refused_naming_its_parameter_before_sending() {
    let (server, client): (_, kaopuyun::Client) =
        serve(kaopuyun_fake::start(), kaopuyun_key(kaopuyun_fake::KEY)).await;
    let runtime = client.runtime();
    let bad = args(&[("product_type", "OWN_ECS"), ("page_size", "ten")]);
    let Err(RunError::Arg(error)) = run("kaopuyun", runtime, "describe_flow_bills", &bad).await
    else {
        panic!("`ten` read as a page size");
    };
    assert_eq!(
        (error.param.as_str(), error.value.as_str()),
        ("page_size", "ten")
    );
    assert!(
        error.to_string().starts_with("parameter `page_size`"),
        "{error}"
    );

    // A value breaking the spec's constraint is the builder's validation error.
    let large = args(&[("page_size", "500")]);
    let Err(RunError::Call(Error::Validation { .. })) =
        run("kaopuyun", runtime, "describe_flow_bills", &large).await
    else {
        panic!("a page size of 500 accepted");
    };

    // A required argument of the client method, missing.
    let Err(RunError::Arg(error)) = run(
        "aliyun_bss",
        runtime,
        "describe_instance_bill",
        &Args::new(),
    )
    .await
    else {
        panic!("no billing cycle accepted");
    };
    assert_eq!(error.param, "billing_cycle");

    // Unknown operations and APIs.
    for (api, operation) in [
        ("kaopuyun", "describe_bills"),
        ("kaopuyunn", "describe_flow_bills"),
    ] {
        let Err(RunError::NoOperation(_)) = run(api, runtime, operation, &Args::new()).await else {
            panic!("{api} {operation} ran");
        };
    }
    assert!(server.log.requests().is_empty(), "a request was sent");
}

#[test]
fn every_api_is_listed_in_module_order_with_its_operations() {
    let names: Vec<&str> = cli::APIS.iter().map(|api| api.name).collect();
    assert_eq!(
        names,
        [
            "aliyun_bss",
            "aws_cost_explorer",
            "azure_consumption",
            "huawei_gsl",
            "kaopuyun",
            "nce_campus",
            "plcloud"
        ]
    );
    let bills = cli::APIS[4]
        .operation("describe_flow_bills")
        .expect("listed");
    assert_eq!(bills.record_key, ["BillUUID"]);
    assert_eq!(
        bills.paging.map(|p| (p.style, p.cursor_param)),
        Some(("page-number", Some("page_number")))
    );
    let period = bills.period.expect("a period");
    assert_eq!(
        (period.start, period.end, period.end_inclusive),
        ("bill_begin_date", Some("bill_end_date"), true)
    );
    let size = bills.param("page_size").expect("a parameter");
    assert_eq!(
        (size.wire, size.location, size.constraints),
        ("PageSize", "query", "at least 1, at most 50")
    );
    assert!(bills.record.iter().any(|field| field.name == "BillUUID"));
    // Sign-in calls, whose answers carry a credential, are not listed.
    assert!(cli::APIS[5].operation("create_token").is_none());
    assert!(cli::client_from_env("nope").is_none());
}
