"""Before a contract run generates anything: the deployment answers, is the version checked, and accepts the
credentials.

A run against an unreachable URL, without a token where the API needs one, or with a token the
deployment refuses would only ever see connection errors or 401s, which the specs allow: it would
"pass" without testing anything. ``check`` finds out with one request (the pack's authenticated
"who am I", ``ContractProfile.whoami``) and raises ``PreflightFailed`` with one line naming what to fix.
"""

from __future__ import annotations

import httpx

from mockserver.contract.options import ContractOptions
from mockserver.contract.profile import ContractProfile
from mockserver.errors import ConfigurationError

TIMEOUT_SECONDS = 10


class PreflightFailed(ConfigurationError):
    """The run cannot start (exit status 2): the message says what to fix."""


def check(options: ContractOptions, profile: ContractProfile, client: httpx.Client) -> None:
    """Raise ``PreflightFailed`` unless the deployment answers and (where the API needs one) takes the token."""
    path = profile.whoami or "/"
    url = f"{options.api_url}{path}"
    if profile.whoami and not options.token:
        raise PreflightFailed(f"no token: {options.pack.title} needs one ({options.pack.auth_header}); set "
                              "MOCKSERVER_TOKEN (or --token) to the token of the user to test as")
    try:
        response = client.get(path, timeout=TIMEOUT_SECONDS)
    except httpx.TimeoutException:
        raise PreflightFailed(f"{url} did not answer within {TIMEOUT_SECONDS} s; check the URL and that the "
                              "deployment is up") from None
    except httpx.HTTPError as exc:
        raise PreflightFailed(f"cannot reach {url} ({exc}); check the URL and that the deployment is up") from None
    _check_version(options, profile, client)
    if not profile.whoami:
        return
    if response.status_code in (401, 403):
        raise PreflightFailed(f"the deployment refused the token (GET {url}: {response.status_code}); set "
                              f"MOCKSERVER_TOKEN to a valid token of a user of that deployment")
    if response.status_code == 404:
        raise PreflightFailed(f"GET {url} answered 404: is this {options.pack.title}, version {options.version}? "
                              "(check --api, --api-version and the URL)")
    if not 200 <= response.status_code < 300:
        raise PreflightFailed(f"GET {url} answered {response.status_code}; the deployment is not ready for a run")


def same_version(spec_version: str, reported: str) -> bool:
    """Whether a deployment reporting ``reported`` (``0.8.1``) runs the API of ``spec_version`` (``0.8``)."""
    return reported == spec_version or reported.startswith(f"{spec_version}.")


def _check_version(options: ContractOptions, profile: ContractProfile, client: httpx.Client) -> None:
    if profile.deployment_version is None:
        return
    reported = profile.deployment_version(client)
    if reported is not None and not same_version(options.version_name, reported):
        raise PreflightFailed(f"the deployment says it is version {reported}, not {options.version_name}: choose its "
                              f"spec with --api-version (versions of {options.pack.name}: "
                              f"{', '.join(options.pack.version_names)})")
