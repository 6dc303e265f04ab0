//! A hand-written API descriptor for the unit tests: every kind of parameter the
//! command tree handles (a period, an open and a closed enum, a repeated one, a secret,
//! one named like a global flag).

use meterage_runtime::describe::{
    Api, Args, Credentials, EnumValue, EnvVar, Field, FieldKind, OperationInfo, Paging, ParamInfo,
    Period, RunError, Sink, ValueKind,
};
use meterage_runtime::{Client, Error};

use crate::apis::Apis;

const fn param(name: &'static str, kind: ValueKind) -> ParamInfo {
    ParamInfo {
        name,
        wire: name,
        location: "query",
        description: "",
        required: false,
        secret: false,
        repeated: false,
        kind,
        constraints: "",
    }
}

static PRODUCTS: [EnumValue; 2] = [
    EnumValue {
        value: "cdn",
        description: "内容分发 (CDN)",
    },
    EnumValue {
        value: "ecs",
        description: "云服务器",
    },
];

static PARAMS: [ParamInfo; 7] = [
    ParamInfo {
        description: "账单开始时间\nThe first second of the bills.",
        required: true,
        ..param("bill_begin", ValueKind::LocalDateTime)
    },
    ParamInfo {
        required: true,
        ..param("bill_end", ValueKind::LocalDateTime)
    },
    ParamInfo {
        description: "The product.",
        ..param(
            "product_type",
            ValueKind::Enum {
                values: &PRODUCTS,
                open: false,
            },
        )
    },
    ParamInfo {
        description: "Region.",
        ..param(
            "region",
            ValueKind::Enum {
                values: &PRODUCTS,
                open: true,
            },
        )
    },
    ParamInfo {
        repeated: true,
        constraints: "at least 1, at most 9",
        ..param("ids", ValueKind::Integer)
    },
    ParamInfo {
        secret: true,
        ..param("password", ValueKind::String)
    },
    param("format", ValueKind::String),
];

static RECORD: [Field; 1] = [Field {
    name: "Id",
    description: "",
    required: true,
    kind: FieldKind::String,
}];

static OPERATIONS: [OperationInfo; 2] = [
    OperationInfo {
        name: "list_bills",
        id: "ListBills",
        endpoint: "GET /bills",
        summary: "List the bills",
        description: "每月的账单。",
        params: &PARAMS,
        record: &RECORD,
        paging: Some(Paging {
            style: "page-number",
            cursor_param: Some("page"),
        }),
        record_key: &["Id"],
        period: Some(Period {
            start: "bill_begin",
            end: Some("bill_end"),
            format: "[year]-[month]-[day] [hour]:[minute]:[second]",
            end_inclusive: true,
        }),
        ..OperationInfo::DEFAULTS
    },
    OperationInfo {
        name: "get_balance",
        id: "GetBalance",
        endpoint: "GET /balance",
        summary: "The balance",
        ..OperationInfo::DEFAULTS
    },
];

/// The descriptor.
pub static FAKE: Api = Api {
    name: "fake_api",
    title: "Fake API",
    description: "An API for tests.",
    spec: "specs/fake.yaml",
    url_env: "FAKE_API_URL",
    credentials: &[Credentials {
        scheme: "key",
        vars: &[
            EnvVar {
                name: "FAKE_API_KEY",
                secret: false,
                required: true,
            },
            EnvVar {
                name: "FAKE_API_SECRET",
                secret: true,
                required: true,
            },
        ],
    }],
    operations: &OPERATIONS,
};

static ALL: [&Api; 1] = [&FAKE];

/// [`Apis`] of [`FAKE`] alone; it has no client and runs nothing.
pub struct FakeApis;

impl Apis for FakeApis {
    fn apis(&self) -> &'static [&'static Api] {
        &ALL
    }

    fn client_from_env(&self, api: &str) -> Option<Result<Client, Error>> {
        (api == FAKE.name).then(|| Err(Error::Config("no client in unit tests".into())))
    }

    async fn run<S: Sink>(
        &self,
        _: &str,
        _: &Client,
        operation: &str,
        _: &Args,
        _: &mut S,
    ) -> Result<(), RunError<S::Error>> {
        Err(RunError::NoOperation(operation.to_owned()))
    }
}

/// The command tree of [`FakeApis`].
pub fn command_of() -> clap::Command {
    crate::commands::command(&FakeApis)
}
