"""Account pages: invitation acceptance (activation), profile and personal API token,
two-factor authentication (TOTP setup and verification), password reset."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from core.errors import BusinessError
from tenants import audit, invitations, services
from tenants.forms import ActivationForm, OTPTokenForm, ProfileForm
from tenants.models import AuditLog

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _next_url(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


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
    if request.method == "POST" and (known or form.is_valid()):
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
            "token": Token.objects.filter(user=request.user).first(),
            "new_token": request.session.pop("new_token", None),
            "otp_enabled": user_has_device(request.user),
        },
    )


@login_required
@require_POST
def profile_token(request):
    """Create/regenerate (``action=create``) or revoke (``action=revoke``) the personal token."""
    if request.POST.get("action") == "revoke":
        services.revoke_personal_token(user=request.user)
        messages.success(request, _("Jeton d'API révoqué."))
    else:
        token = services.create_personal_token(user=request.user)
        request.session["new_token"] = token.key  # shown once, on the next page
        messages.success(
            request, _("Nouveau jeton créé : copiez-le maintenant, il ne sera plus affiché.")
        )
    return redirect("profile")


@login_required
def otp_setup(request):
    """Register an authenticator app: scan the QR code, type a code to confirm."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="default", confirmed=False)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record(
                action=AuditLog.Action.OTP_ENABLED,
                actor=request.user,
                target_user=request.user,
                request=request,
            )
            messages.success(request, _("Double authentification activée."))
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
def otp_verify(request):
    """Second step of the login for people with an authenticator app."""
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].strip())
        if device is not None:
            otp_login(request, device)
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


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset (email with a one-time link), French templates, audited."""

    template_name = "tenants/password_reset_form.html"
    email_template_name = "tenants/password_reset_email.txt"
    subject_template_name = "tenants/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        audit.record(
            action=AuditLog.Action.PASSWORD_RESET,
            identifier=form.cleaned_data["email"],
            request=self.request,
        )
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "tenants/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")
