"""Cases with "needs_public_npm": true run against the public npm registry. Before such a
case starts, the registry must answer; when it does not, the case FAILS saying so, never
passes or skips: a green run always means the packages were really fetched and run.

SBFN_SPECS_PUBLIC_NPM_REGISTRY (the runner's own environment) replaces the registry URL,
for a mirror, or a closed port to see the failure."""

import json
import os
import urllib.error
import urllib.request

DEFAULT_REGISTRY = "https://registry.npmjs.org/"
OVERRIDE_ENV = "SBFN_SPECS_PUBLIC_NPM_REGISTRY"
TIMEOUT_S = 10
# A small packument that has been on the registry since 2011.
PROBE_PACKAGE = "ms"


def registry_url():
    url = os.environ.get(OVERRIDE_ENV) or DEFAULT_REGISTRY
    return url if url.endswith("/") else url + "/"


def unreachable(url):
    """None when `url` serves npm packuments; otherwise why not."""
    request = urllib.request.Request(url + PROBE_PACKAGE, headers={
        "Accept": "application/vnd.npm.install-v1+json"})
    # No proxy: the runner takes proxies out of sbfn's environment, so sbfn goes direct.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=TIMEOUT_S) as response:
            document = json.loads(response.read())
    except urllib.error.HTTPError as error:
        return "GET %s answered %d %s" % (request.full_url, error.code, error.reason)
    except (urllib.error.URLError, OSError) as error:
        return "GET %s: %s" % (request.full_url, getattr(error, "reason", error))
    except ValueError:
        return "GET %s did not answer a JSON packument" % request.full_url
    if not isinstance(document, dict) or document.get("name") != PROBE_PACKAGE:
        return "GET %s did not answer the packument of %r" % (request.full_url, PROBE_PACKAGE)
    return None


def failure_message(url, reason):
    return ("the public npm registry %s cannot be reached: %s. This case runs real packages "
            "from it and cannot check anything without it (set %s to use a mirror)"
            % (url, reason, OVERRIDE_ENV))
