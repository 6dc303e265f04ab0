//! The request signatures' pure functions, for tools that compute a signature the way
//! the client does: Alibaba Cloud RPC signature v1 ([`rpc_v1_signature`]) and Huawei
//! Cloud `SDK-HMAC-SHA256` ([`sdk_canonical_request`], [`sdk_hmac_sha256_signature`],
//! ...). The schemes themselves live in [`auth`](crate::auth) with every other scheme.

pub use crate::auth::{
    rpc_v1_signature, sdk_canonical_query, sdk_canonical_request, sdk_canonical_uri,
    sdk_hmac_sha256_signature, sdk_signed_headers, RpcSignatureV1, SdkHmacSha256,
};
