"""Account pages: invitation acceptance (activation), profile and personal API tokens,
two-factor authentication (TOTP setup, verification, recovery codes), password change and
reset. The rules are in ``tenants/accounts.py``."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device

from core.errors import BusinessError
from core.redirects import safe_next
from tenants import accounts, audit, invitations, throttling
from tenants.forms import ActivationForm, ApiTokenForm, OTPTokenForm, ProfileForm
from tenants.models import AuditLog, RecoveryCodeDevice

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _next_url(request, default: str = "/") -> str:
    return safe_next(request, default)


def invitation_accept(request, token: str):
    """The invitation link: a new person chooses a password; a known one just accepts."""
    try:
        invitation = invitations.invitation_from_token(token)
    except BusinessError as error:
        return render(
            request, "tenants/invitation_invalid.html", {"message": error.message}, status=400
        )
    known = invitations.account_exists(invitation)
    form = None if known else ActivationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and (form is None or form.is_valid()):
        data = form.cleaned_data if form else {}
        try:
            user = invitations.accept_invitation(
                token=token,
                password=data.get("password1"),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
        except BusinessError as error:
            return render(
                request, "tenants/invitation_invalid.html", {"message": error.message}, status=400
            )
        if known and request.user != user:
            messages.success(request, _("Invitation acceptée : connectez-vous pour continuer."))
            return redirect("login")
        login(request, user, backend=MODEL_BACKEND)
        messages.success(request, _("Bienvenue ! Votre compte est actif."))
        return redirect("home")
    return render(
        request,
        "tenants/invitation_accept.html",
        {"invitation": invitation, "form": form, "known": known},
    )


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Profil enregistré."))
        return redirect("profile")
    return render(
        request,
        "tenants/profile.html",
        {
            "form": form,
            "tokens": accounts.tokens_of(request.user),
            "token_form": ApiTokenForm(),
            "new_token": request.session.pop("new_token", None),
            "otp_enabled": user_has_device(request.user),
            "otp_verified": request.user.is_verified(),
            "recovery_codes_left": accounts.remaining_recovery_codes(request.user),
        },
    )


@login_required
@require_POST
def profile_token(request):
    """Create an additional named token (``action=create``) or revoke one of one's own
    tokens (``action=revoke`` with its ``token`` id)."""
    if request.POST.get("action") == "revoke":
        if accounts.revoke_api_token(
            user=request.user, token_id=request.POST.get("token", ""), request=request
        ):
            messages.success(request, _("Jeton d'API révoqué."))
        else:
            messages.error(request, _("Ce jeton n'existe pas ou a déjà été révoqué."))
        return redirect("profile")
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("profile")
    try:
        token, key = accounts.create_api_token(
            user=request.user,
            name=form.cleaned_data["name"],
            expires_days=form.cleaned_data["expires_days"],
            request=request,
        )
    except BusinessError as error:
        messages.error(request, error.message)
        return redirect("profile")
    request.session["new_token"] = {"name": token.name, "key": key}  # shown once
    messages.success(
        request, _("Nouveau jeton créé : copiez-le maintenant, il ne sera plus affiché.")
    )
    return redirect("profile")


@login_required
def otp_setup(request):
    """Register an authenticator app: scan the QR code, type a code to confirm.

    Only for a first enrolment, or from a session that passed the second step: a session
    that only knows the password is sent to the verification page (where a recovery code
    also works) and no device is created nor shown."""
    verified = request.user.is_verified()
    if not accounts.may_enrol(request.user, verified=verified):
        messages.warning(
            request,
            _(
                "Vous avez déjà une double authentification : validez d'abord la connexion "
                "avec votre application ou un code de secours."
            ),
        )
        return redirect(f"{reverse('otp-verify')}?{urlencode({'next': reverse('otp-setup')})}")
    device = accounts.pending_totp_device(request.user, verified=verified)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = accounts.confirm_totp_device(
            user=request.user,
            device=device,
            token=form.cleaned_data["token"],
            verified=verified,
            request=request,
        )
        if codes is not None:
            otp_login(request, device)
            messages.success(request, _("Double authentification activée."))
            if codes:
                request.session["recovery_codes"] = codes
                return redirect(
                    f"{reverse('otp-recovery')}?{urlencode({'next': _next_url(request)})}"
                )
            return redirect(_next_url(request))
        form.add_error(
            "token",
            _("Code incorrect ou expiré : réessayez avec le code affiché par l'application."),
        )
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return render(
        request,
        "tenants/otp_setup.html",
        {
            "form": form,
            "qr_svg": buffer.getvalue().decode(),
            "secret": device.config_url,
            "next": _next_url(request, ""),
        },
    )


@login_required
def otp_recovery_codes(request):
    """The recovery codes: shown once after enrolment or regeneration; regenerating
    (POST) needs a session that passed the second step."""
    if request.method == "POST":
        if not request.user.is_verified():
            return redirect(
                f"{reverse('otp-verify')}?{urlencode({'next': reverse('otp-recovery')})}"
            )
        request.session["recovery_codes"] = accounts.regenerate_recovery_codes(
            user=request.user, request=request
        )
        messages.success(request, _("Nouveaux codes de secours : les anciens ne valent plus."))
        return redirect("otp-recovery")
    return render(
        request,
        "tenants/otp_recovery.html",
        {
            "codes": request.session.pop("recovery_codes", None),
            "remaining": accounts.remaining_recovery_codes(request.user),
            "verified": request.user.is_verified(),
            "next": _next_url(request, ""),
        },
    )


@login_required
def otp_verify(request):
    """Second step of the login: a code of the authenticator app, or a recovery code."""
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].strip())
        if device is not None:
            otp_login(request, device)
            if isinstance(device, RecoveryCodeDevice):
                messages.warning(
                    request,
                    _(
                        "Code de secours utilisé (il n'est plus valable) ; il vous en reste "
                        "%(count)d. Pensez à enregistrer un nouvel appareil."
                    )
                    % {"count": accounts.remaining_recovery_codes(request.user)},
                )
            return redirect(_next_url(request))
        audit.record(
            action=AuditLog.Action.OTP_FAILURE,
            actor=request.user,
            target_user=request.user,
            request=request,
        )
        form.add_error("token", _("Code incorrect ou expiré."))
    return render(
        request, "tenants/otp_verify.html", {"form": form, "next": _next_url(request, "")}
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; every API token of the person is revoked with it."""

    template_name = "tenants/password_change.html"
    success_url = reverse_lazy("profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        accounts.revoke_all_api_tokens(user=form.user, reason="password_changed")
        messages.success(
            self.request,
            _("Mot de passe modifié ; vos jetons d'API ont été révoqués."),
        )
        return response


class LoginView(auth_views.LoginView):
    """Django's login; over the per-address or per-account limit (``tenants.throttling``)
    the answer is the lockout page, 429, like django-axes' own lockout."""

    template_name = "tenants/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # a person who enrolled a second factor passes it, whatever their role
        accounts.mark_session_second_factor(self.request, form.get_user())
        return response

    def form_invalid(self, form):
        if getattr(self.request, "login_throttled", False):
            return render(self.request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
        return super().form_invalid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset (email with a one-time link), French templates, audited. Over the
    limits per address and per client, nothing is sent and the answer is the same."""

    template_name = "tenants/password_reset_form.html"
    email_template_name = "tenants/password_reset_email.txt"
    subject_template_name = "tenants/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        allowed = throttling.password_reset_allowed(self.request, email)
        audit.record(
            action=AuditLog.Action.PASSWORD_RESET,
            identifier=email,
            details={} if allowed else {"throttled": True},
            request=self.request,
        )
        if not allowed:
            return redirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The reset link's new password; every API token of the person is revoked with it."""

    template_name = "tenants/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        accounts.revoke_all_api_tokens(user=form.user, reason="password_changed")
        return response
