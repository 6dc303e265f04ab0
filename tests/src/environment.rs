//! A fake of one API by its command-line name, started with the environment a client of
//! it reads (`Client::from_env`, the `meterage` command line, the examples): for tests
//! that run programs against the fakes, and for `meterage-fake`, which serves one for a
//! person to try the command line against.

use std::any::Any;
use std::path::Path;

use crate::{aliyun, aws, azure, gsl, kaopuyun, nce, plcloud, Options};

/// The API names [`start`] knows, as the command line spells them.
pub const APIS: [&str; 7] = [
    "aliyun-bss",
    "aws-cost-explorer",
    "azure-consumption",
    "huawei-gsl",
    "kaopuyun",
    "nce-campus",
    "plcloud",
];

/// A running fake and the environment of a client of it. The fake serves until this is
/// dropped.
pub struct Running {
    /// The variables and their values (base URL, credentials, and the CA file for an
    /// HTTPS fake).
    pub env: Vec<(&'static str, String)>,
    /// The fake's listing records, to change their number or latency later.
    pub dataset: std::sync::Arc<crate::Dataset>,
    _servers: Vec<Box<dyn Any + Send>>,
}

/// Starts the fake of `api` (a name of [`APIS`]) with `records` listing records; an HTTPS
/// fake's CA certificates are written into `dir` (named by `METERAGE_CA_FILE`). `None`
/// for an API without a fake.
pub async fn start(api: &str, records: u64, dir: &Path) -> Option<Running> {
    fn running<V: Send + Sync + 'static>(
        fake: crate::Fake<V>,
        records: u64,
        env: Vec<(&'static str, String)>,
    ) -> Running {
        fake.dataset.set_len(records);
        Running {
            env,
            dataset: fake.dataset.clone(),
            _servers: vec![Box::new(fake)],
        }
    }
    let pair =
        |url: (&'static str, String), user: (&'static str, &str), secret: (&'static str, &str)| {
            vec![
                url,
                (user.0, user.1.to_owned()),
                (secret.0, secret.1.to_owned()),
            ]
        };
    Some(match api {
        "nce-campus" => {
            let fake = nce::start().await;
            let (user, password) = nce::USER;
            let env = pair(
                ("NCE_CAMPUS_URL", fake.base_url()),
                ("NCE_CAMPUS_USERNAME", user),
                ("NCE_CAMPUS_PASSWORD", password),
            );
            running(fake, records, env)
        }
        "huawei-gsl" => {
            let fake = gsl::start().await;
            let (ak, sk) = gsl::AKSK;
            let env = pair(
                ("HUAWEI_GSL_URL", fake.base_url()),
                ("HUAWEICLOUD_SDK_AK", ak),
                ("HUAWEICLOUD_SDK_SK", sk),
            );
            running(fake, records, env)
        }
        "kaopuyun" => {
            let fake = kaopuyun::start().await;
            let (id, secret) = kaopuyun::KEY;
            let env = pair(
                ("KAOPUYUN_URL", fake.base_url()),
                ("KAOPUYUN_ACCESS_KEY_ID", id),
                ("KAOPUYUN_ACCESS_KEY_SECRET", secret),
            );
            running(fake, records, env)
        }
        "plcloud" => {
            let fake = plcloud::start().await;
            let (user, password) = plcloud::USER;
            let env = pair(
                ("PLCLOUD_URL", fake.base_url()),
                ("PLCLOUD_USERNAME", user),
                ("PLCLOUD_PASSWORD", password),
            );
            running(fake, records, env)
        }
        "aliyun-bss" => {
            let fake = aliyun::start().await;
            let (id, secret) = aliyun::KEYS.key;
            let env = pair(
                ("ALIBABA_CLOUD_BSS_URL", fake.base_url()),
                ("ALIBABA_CLOUD_ACCESS_KEY_ID", id),
                ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret),
            );
            running(fake, records, env)
        }
        "aws-cost-explorer" => {
            let fake = aws::start().await;
            let (id, secret) = aws::KEY;
            let env = pair(
                ("AWS_ENDPOINT_URL_COST_EXPLORER", fake.base_url()),
                ("AWS_ACCESS_KEY_ID", id),
                ("AWS_SECRET_ACCESS_KEY", secret),
            );
            running(fake, records, env)
        }
        "azure-consumption" => {
            let arm = azure::start_with(Options::https()).await;
            let entra = azure::start_entra(&arm).await;
            let ca = dir.join("azure-ca.pem");
            let both: String = [arm.ca_pem(), entra.ca_pem()]
                .into_iter()
                .flatten()
                .collect();
            std::fs::write(&ca, both).ok()?;
            let env = vec![
                ("AZURE_MANAGEMENT_URL", arm.base_url()),
                ("AZURE_AUTHORITY_HOST", entra.base_url()),
                ("AZURE_TENANT_ID", azure::TENANT_ID.to_owned()),
                ("AZURE_CLIENT_ID", azure::CLIENT.0.to_owned()),
                ("AZURE_CLIENT_SECRET", azure::CLIENT.1.to_owned()),
                ("AZURE_SUBSCRIPTION_ID", azure::SUBSCRIPTION_ID.to_owned()),
                ("METERAGE_CA_FILE", ca.display().to_string()),
            ];
            let mut running = running(arm, records, env);
            running._servers.push(Box::new(entra));
            running
        }
        _ => return None,
    })
}
