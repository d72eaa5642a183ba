#include "runtime/tls_errors.hpp"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

namespace runtime {

bool certificate_refused(unsigned long error) {
  return ERR_GET_REASON(error) == SSL_R_CERTIFICATE_VERIFY_FAILED;
}

std::string certificate_error(const SSL* ssl) {
  switch (SSL_get_verify_result(ssl)) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      return "UnknownIssuer";
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "Expired";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "NotValidYet";
    case X509_V_ERR_CERT_REVOKED:
      return "Revoked";
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
    // The chain verified but the name check (asio's host_name_verification, a verify
    // callback that sets no code) refused it.
    case X509_V_OK:
      return "NotValidForName";
    default:
      return X509_verify_cert_error_string(SSL_get_verify_result(ssl));
  }
}

}  // namespace runtime
