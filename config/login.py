"""Login throttling: failed logins are counted per account and per address, and past a limit the
login form refuses at once, without checking the password.

Refusing unchecked is the point: each checked password costs a deliberately slow hash, so a flood
of guesses slowed every page down, and unlimited guesses find weak passwords. The counts live in
their own cache (settings.CACHES["login_failures"]), shared by all the server's processes.
Refused attempts are not counted, so the throttle lifts on its own when the window passes, even
while someone keeps trying. The price: anyone can keep an account's login throttled by failing
with its username. A successful login clears the account's count.
"""

import hashlib
import ipaddress
import time

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import caches
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest

from config.views import mail_configured

WINDOW_SECONDS = 15 * 60
FAILURES_PER_ACCOUNT = 5
# Higher: several readers may share one address (a household, an office).
FAILURES_PER_ADDRESS = 20
THROTTLED = "Too many failed logins: wait 15 minutes, then try again."


def login_throttled(request: HttpRequest, username: str) -> bool:
    return any(len(_recent_failures(key)) >= limit for key, limit in _counts(request, username))


def login_failed(request: HttpRequest, username: str) -> None:
    now = time.time()
    for key, limit in _counts(request, username):
        # The last `limit` failures are all that matter: the oldest says when the throttle lifts.
        failures = [*_recent_failures(key), now][-limit:]
        caches["login_failures"].set(key, failures, WINDOW_SECONDS)


def login_succeeded(username: str) -> None:
    caches["login_failures"].delete(_account_key(username))


def _recent_failures(key: str) -> list[float]:
    since = time.time() - WINDOW_SECONDS
    return [moment for moment in caches["login_failures"].get(key, []) if moment > since]


def _counts(request: HttpRequest, username: str) -> list[tuple[str, int]]:
    """The counts an attempt adds to, each with its limit."""
    return [
        (_account_key(username), FAILURES_PER_ACCOUNT),
        (f"address:{_client_network(request)}", FAILURES_PER_ADDRESS),
    ]


def _account_key(username: str) -> str:
    # Hashed: cache keys must be short and plain, usernames need not be.
    return "account:" + hashlib.sha256(username.casefold().encode()).hexdigest()


def _client_network(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    if settings.TRUST_X_FORWARDED_FOR and (forwarded := request.META.get("HTTP_X_FORWARDED_FOR")):
        # Our proxy appends the address it saw; anything before it the client may have written.
        address = forwarded.rsplit(",", 1)[-1].strip()
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    # One IPv6 client usually holds a whole /64: counted per address, it could never be stopped.
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)


class ThrottledLoginMixin:
    """For an AuthenticationForm: refuses while throttled, counts failures, clears on success."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if login_throttled(self.request, username):
            raise ValidationError(THROTTLED, code="throttled")
        try:
            cleaned_data = super().clean()
        except ValidationError:
            login_failed(self.request, username)
            raise
        login_succeeded(username)
        return cleaned_data


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That username and password did not match. Try again.",
    }


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass


class LoginView(auth_views.LoginView):
    form_class = LoginForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(password_reset=mail_configured(), **kwargs)

    def form_invalid(self, form):
        # 429 tells scripts and monitoring what happened; people read the message.
        status = 429 if form.has_error(NON_FIELD_ERRORS, "throttled") else 200
        return self.render_to_response(self.get_context_data(form=form), status=status)
