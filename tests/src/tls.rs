//! HTTPS for the fakes: a certificate authority generated for one server, and a server
//! certificate it signed for `127.0.0.1` and `localhost`.
//!
//! A client trusts the server only when told to trust [`TestCa::ca_pem`]; with the
//! system's roots it fails the handshake (unknown issuer), as it would against a
//! controller with a private CA.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// A fresh test CA and the server certificate it issued.
#[derive(Clone)]
pub struct TestCa {
    ca_pem: String,
    config: Arc<ServerConfig>,
}

impl std::fmt::Debug for TestCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The server key stays out of Debug output.
        f.debug_struct("TestCa").finish_non_exhaustive()
    }
}

impl TestCa {
    /// Generates a CA ("meterage test CA") and a server certificate for `127.0.0.1`
    /// and `localhost` signed by it, both ECDSA P-256.
    pub fn generate() -> TestCa {
        let ca_key = KeyPair::generate().expect("generate the CA key");
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "meterage test CA");
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_cert = ca.self_signed(&ca_key).expect("self-sign the CA");
        let issuer = Issuer::new(ca, ca_key);

        let key = KeyPair::generate().expect("generate the server key");
        let mut leaf = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .expect("server certificate parameters");
        leaf.distinguished_name
            .push(DnType::CommonName, "meterage fake vendor");
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let cert = leaf
            .signed_by(&key, &issuer)
            .expect("sign the server certificate");

        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone(), ca_cert.der().clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            )
            .expect("server certificate and key");
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        TestCa {
            ca_pem: ca_cert.pem(),
            config: Arc::new(config),
        }
    }

    /// The CA certificate, PEM-encoded: what a client must trust.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    pub(crate) fn acceptor(&self) -> TlsAcceptor {
        TlsAcceptor::from(self.config.clone())
    }
}
