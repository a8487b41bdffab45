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
from mockserver.contract.signing import Signer
from mockserver.errors import ConfigurationError

TIMEOUT_SECONDS = 10


class PreflightFailed(ConfigurationError):
    """The run cannot start (exit status 2): the message says what to fix."""


KEYS = "--public-key and --private-key (MOCKSERVER_PUBLIC_KEY, MOCKSERVER_PRIVATE_KEY)"


def signer_of(options: ContractOptions, profile: ContractProfile) -> Signer | None:
    """The signer of the run's key pair (None: a run with a token or none); ``PreflightFailed`` for half a pair,
    a pair and a token, or a pair for a pack whose requests are not signed."""
    if bool(options.public_key) != bool(options.private_key):
        raise PreflightFailed(f"half a key pair: give both {KEYS}")
    if options.key_pair is None:
        return None
    if options.token:
        raise PreflightFailed("a token and a key pair: give one of them (--token or MOCKSERVER_TOKEN, or the keys)")
    if profile.signer is None:
        raise PreflightFailed(f"{options.pack.title} does not sign requests with a key pair; use --token "
                              "(MOCKSERVER_TOKEN)")
    return profile.signer(options.key_pair)


def check(options: ContractOptions, profile: ContractProfile, client: httpx.Client) -> None:
    """Raise ``PreflightFailed`` unless the deployment answers and (where the API needs one) takes the
    credentials (the token, or the key pair ``client`` signs with)."""
    path = profile.whoami or "/"
    url = f"{options.api_url}{path}"
    signed = options.key_pair is not None
    if profile.whoami and not (options.token or signed):
        pair = f", or {KEYS} to sign with" if profile.signer is not None else ""
        raise PreflightFailed(f"no token: {options.pack.title} needs one ({options.pack.auth_header}); set "
                              f"MOCKSERVER_TOKEN (or --token) to the token of the user to test as{pair}")
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
    if response.status_code in (401, 403) and signed:
        raise PreflightFailed(f"the deployment refused the key pair (GET {url}: {response.status_code}); check "
                              f"{KEYS}: a key pair of a user of that deployment")
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
