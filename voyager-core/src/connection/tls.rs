//! TLS for every libpq `sslmode`, over rustls. tokio-postgres itself knows only
//! disable/prefer/require and verifies nothing; the certificate checks of `require` (with a
//! root certificate), `verify-ca` and `verify-full` are made here, as libpq makes them.

use std::path::PathBuf;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use super::{ConnectionString, SslMode};
use crate::{Error, Result};

/// The rustls client config for `conn`'s sslmode and certificates.
pub(super) fn client_config(conn: &ConnectionString) -> Result<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = root_store(conn)?;
    let verifier: Arc<dyn ServerCertVerifier> = match (conn.sslmode(), roots) {
        (SslMode::VerifyCa | SslMode::VerifyFull, None) => {
            return Err(Error::invalid_argument(format!(
                "sslmode={} needs a root certificate to verify the server: set sslrootcert=/path/to/ca.pem \
                 (or sslrootcert=system), or put it in ~/.postgresql/root.crt",
                conn.sslmode().as_str()
            )))
        }
        (SslMode::VerifyFull, Some(roots)) => webpki(roots, &provider)?,
        // libpq: require with a root certificate verifies like verify-ca.
        (SslMode::VerifyCa | SslMode::Require, Some(roots)) => Arc::new(IgnoreHostName {
            inner: webpki(roots, &provider)?,
        }),
        _ => Arc::new(NoVerification {
            provider: provider.clone(),
        }),
    };
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::internal(format!("TLS setup failed: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    match (conn.param("sslcert"), conn.param("sslkey")) {
        (Some(cert), Some(key)) => {
            let certs = read_certs(cert)?;
            let key = read_key(key)?;
            builder
                .with_client_auth_cert(certs, key)
                .map_err(|e| Error::invalid_argument(format!("client certificate {cert} cannot be used: {e}")))
        }
        _ => Ok(builder.with_no_client_auth()),
    }
}

fn webpki(roots: RootCertStore, provider: &Arc<CryptoProvider>) -> Result<Arc<dyn ServerCertVerifier>> {
    let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| Error::invalid_argument(format!("the root certificates cannot be used: {e}")))?;
    Ok(verifier)
}

/// The root certificates: `sslrootcert` (a PEM file, or `system`), else `~/.postgresql/root.crt`
/// when it exists, else none.
fn root_store(conn: &ConnectionString) -> Result<Option<RootCertStore>> {
    let path = match conn.sslrootcert() {
        Some("system") => {
            let mut store = RootCertStore::empty();
            store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            return Ok(Some(store));
        }
        Some(path) => PathBuf::from(path),
        None => match std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".postgresql/root.crt")) {
            Some(p) if p.is_file() => p,
            _ => return Ok(None),
        },
    };
    let mut store = RootCertStore::empty();
    for cert in read_certs(&path.display().to_string())? {
        store.add(cert).map_err(|e| {
            Error::invalid_argument(format!("{} holds a certificate rustls cannot use: {e}", path.display()))
        })?;
    }
    Ok(Some(store))
}

fn read_certs(path: &str) -> Result<Vec<CertificateDer<'static>>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io("read the certificate file", path.as_ref(), &e))?;
    let certs: Vec<_> = rustls_pemfile::certs(&mut bytes.as_slice())
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::invalid_argument(format!("{path} is not a PEM certificate file: {e}")))?;
    if certs.is_empty() {
        return Err(Error::invalid_argument(format!("{path} holds no PEM certificate")));
    }
    Ok(certs)
}

fn read_key(path: &str) -> Result<PrivateKeyDer<'static>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io("read the key file", path.as_ref(), &e))?;
    rustls_pemfile::private_key(&mut bytes.as_slice())
        .map_err(|e| Error::invalid_argument(format!("{path} is not a PEM key file: {e}")))?
        .ok_or_else(|| Error::invalid_argument(format!("{path} holds no private key")))
}

/// verify-ca: the chain must lead to a trusted root; the host name is not checked.
#[derive(Debug)]
struct IgnoreHostName {
    inner: Arc<dyn ServerCertVerifier>,
}

impl ServerCertVerifier for IgnoreHostName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self
            .inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// prefer/require without a root certificate: encrypted, not authenticated (as libpq).
#[derive(Debug)]
struct NoVerification {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}
