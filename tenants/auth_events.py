"""Login events written to the audit log (success, failure, lockout).

Django and django-axes announce these only through signals (the login view and the axes
backend are not ours), so this is the one place where the network listens to signals;
the receivers only call ``audit.record`` and count failures (``tenants.throttling``).
"""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from tenants import audit, throttling
from tenants.models import AuditLog


@receiver(user_logged_in, dispatch_uid="tenants.audit.login_success")
def _login_success(sender, request, user, **kwargs):
    audit.record(
        action=AuditLog.Action.LOGIN_SUCCESS, actor=user, target_user=user, request=request
    )


@receiver(user_login_failed, dispatch_uid="tenants.audit.login_failure")
def _login_failure(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))
    audit.record(action=AuditLog.Action.LOGIN_FAILURE, identifier=username, request=request)
    throttling.record_login_failure(request, username)


@receiver(user_locked_out, dispatch_uid="tenants.audit.lockout")
def _lockout(sender, request, username=None, ip_address=None, **kwargs):
    audit.record(action=AuditLog.Action.LOCKOUT, identifier=username or "", request=request)
