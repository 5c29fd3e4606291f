// Certificates for TLS tests, made by the test itself with tls/development_ca in a temporary folder: the
// development CA with one certificate per service, and an unrelated CA ("other") whose certificates no Maestro
// process trusts.
#pragma once

#include <openssl/x509.h>

#include <filesystem>
#include <string>

#include "tls/tls_options.h"
#include "transport/transport.h"

namespace maestro::testing {

// The folder holding ca.crt, maestro/stt/llm/tts .crt/.key; made on first use, removed at exit.
const std::filesystem::path& TrustedCertificates();
// Another CA's folder, with the same file names.
const std::filesystem::path& OtherCertificates();

// `name`'s certificate and key from `dir`, trusting `dir`'s CA (so servers require client certificates).
tls::TlsOptions TlsFrom(const std::filesystem::path& dir, const std::string& name);

// `options` with TLS and mutual TLS on, as service `name` of the trusted CA.
TransportOptions WithMutualTls(TransportOptions options, const std::string& name = "stt");

// RETURNS the serial number of `cert` in hexadecimal, "" for null: how a test tells two certificates apart.
std::string SerialOf(X509* cert);

// Replaces `to` by a copy of `from` in one rename, as a certificate manager writes a renewed file.
void InstallByRename(const std::filesystem::path& from, const std::filesystem::path& to);

// RETURNS the serial number of the first certificate in the PEM file at `path`, "" if there is none.
std::string SerialOfFile(const std::filesystem::path& path);

}  // namespace maestro::testing
